/**
 * Marks millisecond timestamp columns of a finished Parquet file as
 * UTC-adjusted, in its footer only.
 *
 * Why: the lake contract's `_airbyte_emitted_at` is TIMESTAMP(MILLIS, UTC),
 * as Airbyte writes it (Avro timestamp-millis). DuckDB has no
 * millisecond type with a time zone: its TIMESTAMP_MS is written as
 * TIMESTAMP(MILLIS, isAdjustedToUTC=false), which Spark reads as a
 * TIMESTAMP_NTZ column, a different type from the existing partitions'.
 * The values are already epoch milliseconds in UTC, so only the annotation
 * changes: the footer (Thrift FileMetaData) is decoded, the flag set, and
 * the footer rewritten after the untouched data pages. parquetjs-lite's
 * Thrift classes do the coding.
 */
import { promises as fs } from 'node:fs';

interface TimestampType {
  isAdjustedToUTC: boolean | null;
}
interface SchemaElement {
  name: string;
  num_children?: number | null;
  logicalType?: { TIMESTAMP?: TimestampType | null } | null;
}
interface FileMetaData {
  schema: SchemaElement[];
  write(protocol: unknown): void;
}
// parquetjs-lite ships no type declarations; these are the parts used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const thrift = require('parquetjs-lite/gen-nodejs/parquet_types') as { FileMetaData: new () => FileMetaData };
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

/** Sets isAdjustedToUTC on the TIMESTAMP annotation of the named top-level columns; returns how many it changed. */
export async function markTimestampsUtc(path: string, columns: readonly string[]): Promise<number> {
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
    const names = topLevelNames(metadata.schema);
    let changed = 0;
    metadata.schema.forEach((element, i) => {
      const timestamp = element.logicalType?.TIMESTAMP;
      if (i > 0 && timestamp && columns.includes(names[i]) && timestamp.isAdjustedToUTC !== true) {
        timestamp.isAdjustedToUTC = true;
        changed++;
      }
    });
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
