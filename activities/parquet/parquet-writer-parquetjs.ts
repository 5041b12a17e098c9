/**
 * Parquet files written by parquetjs-lite (pure JavaScript, SNAPPY). Slower
 * and larger than DuckDB's files; kept as a selectable writer. It writes the
 * declared lake schema (config/lake-schema.ts) field for field, including
 * REQUIRED metadata columns, `{member0, member1}` groups and the MAP of
 * additional properties. It has no DECIMAL logical type, so it writes only
 * the `airbyte-s3-v0` shape (decimals as DOUBLE); choosing it for `typed`
 * is refused (parquet-writer.ts). BIGINT values must fit in 2^53 (its INT64
 * encoder takes JavaScript numbers).
 */
import { promises as fs } from 'node:fs';
import type { ExtractColumn } from '../engine/extract-columns';
import { AB_ID_COLUMN, ADDITIONAL_PROPERTIES_COLUMN, EMITTED_AT_COLUMN, lakeTypeText, type LakeColumn, type LakeType } from '../../config/lake-schema';
import { addLogicalTypes } from './parquet-footer-annotations';
import { airbyteAbId, type ParquetFileSpec, type ParquetFileWriter, type ParquetWriterFactory } from './parquet-writer';

interface ParquetjsWriter {
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
  setRowGroupSize(rows: number): void;
}
export interface ParquetjsField {
  type?: string;
  optional?: boolean;
  repeated?: boolean;
  compression?: string;
  fields?: Record<string, ParquetjsField>;
}
interface ParquetjsModule {
  ParquetSchema: new (fields: Record<string, ParquetjsField>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string, options?: Record<string, unknown>): Promise<ParquetjsWriter> };
}
// parquetjs-lite ships no type declarations; the interface above is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parquet = require('parquetjs-lite') as ParquetjsModule;

const SNAPPY = 'SNAPPY';

/** parquetjs-lite's field for a lake type. */
function fieldOf(type: LakeType, optional: boolean): ParquetjsField {
  const leaf = (t: string): ParquetjsField => ({ type: t, optional, compression: SNAPPY });
  switch (type.kind) {
    case 'string':
      return leaf('UTF8');
    case 'int64':
      return leaf('INT64');
    case 'int32':
      return leaf('INT32');
    case 'double':
      return leaf('DOUBLE');
    case 'boolean':
      return leaf('BOOLEAN');
    case 'date':
      return leaf('DATE');
    case 'timestamp':
      return leaf(type.unit === 'MILLIS' ? 'TIMESTAMP_MILLIS' : 'TIMESTAMP_MICROS');
    case 'union':
      return { optional, fields: { member0: fieldOf(type.member0, true), member1: fieldOf(type.member1, true) } };
    case 'map':
      return {
        type: 'MAP',
        optional,
        fields: { key_value: { repeated: true, fields: { key: fieldOf({ kind: 'string' }, false), value: fieldOf({ kind: 'string' }, false) } } },
      };
    case 'decimal':
      throw new Error(`parquetjs-lite cannot write ${lakeTypeText(type)}`);
  }
}

/** The parquetjs-lite schema of a declared lake schema. */
export function parquetjsFields(lake: readonly LakeColumn[]): Record<string, ParquetjsField> {
  const fields: Record<string, ParquetjsField> = {};
  for (const c of lake) fields[c.name] = fieldOf(c.type, c.nullable);
  return fields;
}

const ZERO_DATE = /^0000-00-00/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** A DATE or DATETIME text as the lake's typed value, or undefined when it is not one. */
function temporalValue(type: LakeType, text: string): unknown {
  if (type.kind === 'date') {
    const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(d.getTime()) ? d : undefined;
  }
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(ms)) return undefined;
  const micros = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  // parquetjs-lite takes a Date (milliseconds) or a non-negative BigInt of microseconds
  return micros % 1000 === 0 || ms < 0 ? new Date(ms + Math.floor(micros / 1000)) : BigInt(ms) * 1000n + BigInt(micros);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A source value as parquetjs-lite takes it for the lake column, or null. */
function toParquetjsValue(lake: LakeColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { type } = lake;
  switch (type.kind) {
    case 'date':
    case 'timestamp':
      return ZERO_DATE.test(String(value)) ? null : (temporalValue(type, String(value)) ?? null);
    case 'union': {
      const text = String(value);
      if (ZERO_DATE.test(text)) return null;
      const typed = temporalValue(type.member0, text);
      return typed === undefined ? { member1: text } : { member0: typed };
    }
    case 'boolean':
      return Number(value) !== 0;
    case 'int64':
    case 'int32':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    default:
      return textOf(value);
  }
}

class ParquetjsFileWriter implements ParquetFileWriter {
  rows = 0;
  approxBytes = 0;

  constructor(
    private readonly spec: ParquetFileSpec,
    private readonly writer: ParquetjsWriter,
  ) {
    const metadata = new Set([AB_ID_COLUMN, EMITTED_AT_COLUMN, ADDITIONAL_PROPERTIES_COLUMN]);
    this.slots = spec.lake
      .filter((l) => !metadata.has(l.name))
      .map((lake) => ({ lake, index: spec.columns.findIndex((c: ExtractColumn) => c.name === lake.name) }));
    const missing = this.slots.find((s) => s.index < 0);
    if (missing) throw new Error(`declared column ${missing.lake.name} is not among the source columns`);
  }

  /** Each data lake column with the index of its source column in a row. */
  private readonly slots: { lake: LakeColumn; index: number }[];

  async write(rows: unknown[][]): Promise<void> {
    const { abIdPrefix, firstRowNumber } = this.spec;
    const emittedAt = new Date(this.spec.emittedAtMs);
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      record[AB_ID_COLUMN] = airbyteAbId(abIdPrefix, firstRowNumber + this.rows);
      record[EMITTED_AT_COLUMN] = emittedAt;
      for (const { lake, index } of this.slots) {
        const value = toParquetjsValue(lake, row[index]);
        if (value !== null) record[lake.name] = value;
        this.approxBytes += typeof row[index] === 'string' ? (row[index] as string).length + 1 : 8;
      }
      await this.writer.appendRow(record);
      this.rows++;
    }
  }

  async finish(): Promise<{ path: string; rows: number; bytes: number }> {
    await this.writer.close();
    // parquetjs-lite writes converted types only; readers need the logical types (a UTC timestamp above all)
    await addLogicalTypes(this.spec.path);
    const { size } = await fs.stat(this.spec.path);
    return { path: this.spec.path, rows: this.rows, bytes: size };
  }

  async abort(): Promise<void> {
    await this.writer.close().catch(() => undefined);
    await fs.rm(this.spec.path, { force: true });
  }
}

export function createParquetjsWriterFactory(options: { rowGroupSize?: number } = {}): ParquetWriterFactory {
  return {
    name: 'parquetjs',
    async open(spec) {
      const schema = new parquet.ParquetSchema(parquetjsFields(spec.lake));
      const writer = await parquet.ParquetWriter.openFile(schema, spec.path);
      writer.setRowGroupSize(options.rowGroupSize ?? 50_000);
      return new ParquetjsFileWriter(spec, writer);
    },
    async close() {},
  };
}
