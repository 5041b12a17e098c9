/**
 * Parquet files written by parquetjs-lite (pure JavaScript, SNAPPY). Slower
 * and larger than DuckDB's files; kept as a selectable writer. parquetjs-lite
 * has no DECIMAL logical type: decimals of up to 15 digits (all of ACODE's) are
 * written as DOUBLE, which holds 15 significant digits exactly, so numeric
 * checks and readers see numbers; wider decimals are written as their exact
 * text (UTF8). BIGINT values must fit in 2^53 (its INT64 encoder takes
 * JavaScript numbers).
 */
import { promises as fs } from 'node:fs';
import type { ExtractColumn } from '../engine/extract-columns';
import { airbyteAbId, type ParquetFileSpec, type ParquetFileWriter, type ParquetWriterFactory } from './parquet-writer';

interface ParquetjsWriter {
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
  setRowGroupSize(rows: number): void;
}
interface ParquetjsModule {
  ParquetSchema: new (fields: Record<string, { type: string; optional?: boolean; compression?: string }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string, options?: Record<string, unknown>): Promise<ParquetjsWriter> };
}
// parquetjs-lite ships no type declarations; the interface above is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parquet = require('parquetjs-lite') as ParquetjsModule;

function parquetType(c: ExtractColumn): string {
  switch (c.type.kind) {
    case 'bigint':
      return 'INT64';
    case 'int':
      return 'INT32';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return decimalAsDouble(c) ? 'DOUBLE' : 'UTF8';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'TIMESTAMP_MILLIS';
    default:
      return 'UTF8';
  }
}

const ZERO_DATE = /^0000-00-00/;

/** A double holds any decimal of up to 15 significant digits exactly. */
const DOUBLE_EXACT_DIGITS = 15;

function decimalAsDouble(c: ExtractColumn): boolean {
  return c.type.kind === 'decimal' && c.type.precision <= DOUBLE_EXACT_DIGITS;
}

/** A source value as parquetjs-lite takes it, or null. */
function toParquetjsValue(c: ExtractColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (c.type.kind) {
    case 'date':
      return ZERO_DATE.test(String(value)) ? null : new Date(`${String(value)}T00:00:00Z`);
    case 'datetime':
      return ZERO_DATE.test(String(value)) ? null : new Date(`${String(value).replace(' ', 'T')}Z`);
    case 'boolean':
      return Number(value) !== 0;
    case 'bigint':
    case 'int':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    case 'decimal':
      if (decimalAsDouble(c)) return Number(value);
      return String(value);
    default:
      if (typeof value === 'string') return value;
      if (Buffer.isBuffer(value)) return value.toString('base64');
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

class ParquetjsFileWriter implements ParquetFileWriter {
  rows = 0;
  approxBytes = 0;

  constructor(
    private readonly spec: ParquetFileSpec,
    private readonly writer: ParquetjsWriter,
  ) {}

  async write(rows: unknown[][]): Promise<void> {
    const { columns, abIdPrefix, firstRowNumber } = this.spec;
    const emittedAt = new Date(this.spec.emittedAtMs);
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const value = toParquetjsValue(columns[i], row[i]);
        if (value !== null) record[columns[i].name] = value;
        this.approxBytes += typeof row[i] === 'string' ? (row[i] as string).length + 1 : 8;
      }
      record._airbyte_ab_id = airbyteAbId(abIdPrefix, firstRowNumber + this.rows);
      record._airbyte_emitted_at = emittedAt;
      await this.writer.appendRow(record);
      this.rows++;
    }
  }

  async finish(): Promise<{ path: string; rows: number; bytes: number }> {
    await this.writer.close();
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
      const fields: Record<string, { type: string; optional?: boolean; compression: string }> = {};
      for (const c of spec.columns) fields[c.name] = { type: parquetType(c), optional: true, compression: 'SNAPPY' };
      fields._airbyte_ab_id = { type: 'UTF8', compression: 'SNAPPY' };
      fields._airbyte_emitted_at = { type: 'TIMESTAMP_MILLIS', compression: 'SNAPPY' };
      const writer = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema(fields), spec.path);
      writer.setRowGroupSize(options.rowGroupSize ?? 50_000);
      return new ParquetjsFileWriter(spec, writer);
    },
    async close() {},
  };
}
