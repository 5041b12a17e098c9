/**
 * Logical-type annotations of a finished Parquet file, fixed in its footer
 * only: the footer (Thrift FileMetaData) is decoded with parquetjs-lite's
 * Thrift classes, annotations set, and the footer rewritten after the
 * untouched data pages. Values never change.
 *
 * - markTimestampsUtc: the lake contract's `_airbyte_emitted_at` is
 *   TIMESTAMP(MILLIS, UTC), as Airbyte writes it (Avro timestamp-millis).
 *   DuckDB has no millisecond type with a time zone: its TIMESTAMP_MS is
 *   written TIMESTAMP(MILLIS, isAdjustedToUTC=false), which Spark reads as
 *   TIMESTAMP_NTZ. The values are epoch milliseconds in UTC already.
 * - addLogicalTypes: parquetjs-lite writes only legacy converted types.
 *   Readers disagree on those (DuckDB reads a converted-only TIMESTAMP_MILLIS
 *   as a naive TIMESTAMP, parquet-mr and Spark as UTC), while parquet-avro,
 *   behind Airbyte's files, writes both. Each converted type gets the
 *   logical type the Parquet spec equates it with.
 */
import { promises as fs } from 'node:fs';

interface TimestampType {
  isAdjustedToUTC: boolean | null;
}
type LogicalType = Record<string, unknown> & { TIMESTAMP?: TimestampType | null };
interface SchemaElement {
  name: string;
  num_children?: number | null;
  converted_type?: number | null;
  scale?: number | null;
  precision?: number | null;
  logicalType?: LogicalType | null;
}
interface FileMetaData {
  schema: SchemaElement[];
}
type ThriftClass = new (args?: Record<string, unknown>) => object;
// parquetjs-lite ships no type declarations; these are the parts used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const thrift = require('parquetjs-lite/gen-nodejs/parquet_types') as Record<string, ThriftClass> & {
  FileMetaData: new () => FileMetaData;
  ConvertedType: Record<string, number>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const util = require('parquetjs-lite/lib/util') as {
  decodeThrift(obj: unknown, buf: Buffer, offset?: number): number;
  serializeThrift(obj: unknown): Buffer;
};

const MAGIC = Buffer.from('PAR1');

/** Top-level column names of the schema elements (a nested element has its top-level column's name). */
function topLevelNames(schema: SchemaElement[]): string[] {
  const names: string[] = new Array<string>(schema.length).fill('');
  let at = 1;
  const walk = (top: string) => {
    const element = schema[at];
    names[at] = top;
    at++;
    for (let i = 0; i < (element.num_children ?? 0); i++) walk(top);
  };
  while (at < schema.length) walk(schema[at].name);
  return names;
}

/** Decodes the footer, lets `edit` change the schema (returning how many elements it changed), rewrites it if any. */
async function editFooter(path: string, edit: (schema: SchemaElement[], names: string[]) => number): Promise<number> {
  const file = await fs.open(path, 'r+');
  try {
    const { size } = await file.stat();
    const tail = Buffer.alloc(8);
    await file.read(tail, 0, 8, size - 8);
    if (!tail.subarray(4).equals(MAGIC)) throw new Error(`${path} is not a Parquet file (no PAR1 at its end)`);
    const footerLength = tail.readUInt32LE(0);
    const footerStart = size - 8 - footerLength;
    const footer = Buffer.alloc(footerLength);
    await file.read(footer, 0, footerLength, footerStart);
    const metadata = new thrift.FileMetaData();
    util.decodeThrift(metadata, footer);
    const changed = edit(metadata.schema, topLevelNames(metadata.schema));
    if (changed === 0) return 0;
    const encoded = util.serializeThrift(metadata);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(encoded.length, 0);
    await file.truncate(footerStart);
    await file.write(Buffer.concat([encoded, length, MAGIC]), 0, encoded.length + 8, footerStart);
    return changed;
  } finally {
    await file.close();
  }
}

/** Sets isAdjustedToUTC on the TIMESTAMP annotation of the named top-level columns; returns how many it changed. */
export function markTimestampsUtc(path: string, columns: readonly string[]): Promise<number> {
  if (columns.length === 0) return Promise.resolve(0);
  return editFooter(path, (schema, names) => {
    let changed = 0;
    schema.forEach((element, i) => {
      const timestamp = element.logicalType?.TIMESTAMP;
      if (i > 0 && timestamp && columns.includes(names[i]) && timestamp.isAdjustedToUTC !== true) {
        timestamp.isAdjustedToUTC = true;
        changed++;
      }
    });
    return changed;
  });
}

const unit = (name: 'MILLIS' | 'MICROS') => new thrift.TimeUnit({ [name]: new thrift[name === 'MILLIS' ? 'MilliSeconds' : 'MicroSeconds']() });

/** The logical type the Parquet spec equates with a converted type, or undefined. */
function logicalOf(element: SchemaElement): object | undefined {
  const converted = Object.entries(thrift.ConvertedType).find(([, v]) => v === element.converted_type)?.[0];
  const make = (field: string, value: object) => new thrift.LogicalType({ [field]: value });
  switch (converted) {
    case 'UTF8':
      return make('STRING', new thrift.StringType());
    case 'DATE':
      return make('DATE', new thrift.DateType());
    case 'MAP':
      return make('MAP', new thrift.MapType());
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      return make('TIMESTAMP', new thrift.TimestampType({ isAdjustedToUTC: true, unit: unit(converted === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS') }));
    case 'TIME_MILLIS':
    case 'TIME_MICROS':
      return make('TIME', new thrift.TimeType({ isAdjustedToUTC: true, unit: unit(converted === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS') }));
    default:
      return undefined;
  }
}

/** Gives every element with a converted type and no logical type the logical type the spec equates with it. */
export function addLogicalTypes(path: string): Promise<number> {
  return editFooter(path, (schema) => {
    let changed = 0;
    for (const element of schema.slice(1)) {
      if (element.logicalType || element.converted_type === null || element.converted_type === undefined) continue;
      const logical = logicalOf(element);
      if (logical) {
        element.logicalType = logical as LogicalType;
        changed++;
      }
    }
    return changed;
  });
}
