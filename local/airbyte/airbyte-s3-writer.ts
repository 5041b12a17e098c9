/**
 * What an Airbyte sync of source-mysql 1.0.x into destination-s3 0.3.x writes,
 * for the simulator's jobs: one stream from MySQL into Parquet files of the
 * day's partition, in Airbyte's own shape, built here from Airbyte's rules and
 * not from the engine's schema mapping (so a test that mixes an
 * Airbyte-written day with an engine-written day proves the two agree):
 *
 * 1. source-mysql's catalogue: each MySQL column becomes a JSON-schema type —
 *    TINYINT(1)/BIT(1)/BOOLEAN boolean; other integers integer; DECIMAL,
 *    FLOAT, DOUBLE number; DATE string/date; DATETIME and TIMESTAMP
 *    string/date-time; TIME string/time; YEAR, JSON, text string; binary a
 *    base64 string.
 * 2. destination-s3's JSON schema → Avro (JsonToAvroSchemaConverter):
 *    `_airbyte_ab_id` (uuid string) and `_airbyte_emitted_at` (timestamp-millis
 *    long), both required, first; every field `[null, type]`, a formatted
 *    string `[null, logical type, string]`; `_airbyte_additional_properties`
 *    `[null, map<string>]` last.
 * 3. parquet-avro's Avro → Parquet: long INT64, double DOUBLE, string
 *    BYTE_ARRAY STRING, a union of two non-null types a group
 *    `{member0, member1}` of optional members, a map a MAP group.
 *
 * The Parquet bytes are written with parquetjs-lite, its footer given the
 * logical types parquet-avro writes (TIMESTAMP(MILLIS, UTC), STRING, DATE,
 * MAP) beside the converted ones. Every record gets a
 * random UUID, as Airbyte's do. The partition is written like every writer
 * of this project writes one (activities/s3/partition-writes.ts): marker
 * withdrawn, files uploaded, stale files removed, `_SUCCESS` last.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PoolConnection as CorePoolConnection } from 'mysql2';
import type { RowDataPacket } from 'mysql2/promise';
import type { S3Client } from '@aws-sdk/client-s3';
import { FIRST_FILE_INDEX, partitionFileName, partitionPrefix, type BucketRole } from '../../config/pipelines';
import type { MysqlSources } from '../../activities/mysql/mysql-sources';
import type { TableSyncInput, TableSyncResult } from '../../activities/types';
import { addLogicalTypes } from '../../activities/parquet/parquet-footer-annotations';
import { removeObjectsNotWritten, uploadFile, withdrawSuccessMarker, writeSuccessMarker } from '../../activities/s3/partition-writes';

interface ParquetjsField {
  type?: string;
  optional?: boolean;
  repeated?: boolean;
  compression?: string;
  fields?: Record<string, ParquetjsField>;
}
interface ParquetjsWriter {
  appendRow(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}
// parquetjs-lite ships no type declarations; these are the parts used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parquet = require('parquetjs-lite') as {
  ParquetSchema: new (fields: Record<string, ParquetjsField>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string): Promise<ParquetjsWriter> };
};

/** A JSON-schema type of source-mysql's catalogue. */
type JsonType = { type: 'integer' | 'number' | 'boolean' | 'string'; format?: 'date' | 'date-time' | 'time'; binary?: boolean };

interface CatalogColumn {
  name: string;
  json: JsonType;
}

/** source-mysql 1.0.x's JSON-schema type of a MySQL column. */
export function sourceMysqlJsonType(dataType: string, columnType: string): JsonType {
  const t = dataType.toLowerCase();
  if (t === 'bool' || t === 'boolean' || /^tinyint\(1\)/i.test(columnType) || /^bit\(1\)/i.test(columnType)) return { type: 'boolean' };
  if (['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint'].includes(t)) return { type: 'integer' };
  if (['decimal', 'numeric', 'float', 'double', 'real'].includes(t)) return { type: 'number' };
  if (t === 'date') return { type: 'string', format: 'date' };
  if (t === 'datetime' || t === 'timestamp') return { type: 'string', format: 'date-time' };
  if (t === 'time') return { type: 'string', format: 'time' };
  if (/(binary|blob)$/.test(t) || t === 'bit') return { type: 'string', binary: true };
  return { type: 'string' }; // char, varchar, text, enum, set, json, year
}

const SNAPPY = 'SNAPPY';
const optional = (type: string): ParquetjsField => ({ type, optional: true, compression: SNAPPY });

/** The Parquet field parquet-avro writes for a column's Avro schema. */
function parquetFieldOf(json: JsonType): ParquetjsField {
  switch (json.type) {
    case 'integer':
      return optional('INT64');
    case 'number':
      return optional('DOUBLE');
    case 'boolean':
      return optional('BOOLEAN');
    case 'string': {
      const logical = json.format && ({ date: 'DATE', 'date-time': 'TIMESTAMP_MICROS', time: 'TIME_MICROS' } as const)[json.format];
      return logical ? { optional: true, fields: { member0: optional(logical), member1: optional('UTF8') } } : optional('UTF8');
    }
  }
}

/**
 * The destination connector the simulated connection runs: 0.3.x, what the
 * lake holds, or 1.0, whose metadata columns are renamed (`_airbyte_raw_id`,
 * `_airbyte_extracted_at`, `_airbyte_meta`, `_airbyte_generation_id`) — the
 * upgrade the lake's schema gate must stop. Of 1.0's `_airbyte_meta` only
 * `sync_id` is imitated.
 */
export type AirbyteDestination = 'destination-s3-0.3' | 'destination-s3-1.0';

export function airbyteParquetFields(columns: CatalogColumn[], destination: AirbyteDestination = 'destination-s3-0.3'): Record<string, ParquetjsField> {
  if (destination === 'destination-s3-1.0') {
    const fields: Record<string, ParquetjsField> = {
      _airbyte_raw_id: { type: 'UTF8', compression: SNAPPY },
      _airbyte_extracted_at: { type: 'TIMESTAMP_MILLIS', compression: SNAPPY },
      _airbyte_meta: { optional: true, fields: { sync_id: optional('INT64') } },
      _airbyte_generation_id: optional('INT64'),
    };
    for (const c of columns) fields[c.name] = parquetFieldOf(c.json);
    return fields;
  }
  const fields: Record<string, ParquetjsField> = {
    _airbyte_ab_id: { type: 'UTF8', compression: SNAPPY },
    _airbyte_emitted_at: { type: 'TIMESTAMP_MILLIS', compression: SNAPPY },
  };
  for (const c of columns) fields[c.name] = parquetFieldOf(c.json);
  fields._airbyte_additional_properties = {
    type: 'MAP',
    optional: true,
    fields: { key_value: { repeated: true, fields: { key: { type: 'UTF8', compression: SNAPPY }, value: { type: 'UTF8', compression: SNAPPY } } } },
  };
  return fields;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const micros = (fraction: string | undefined) => (fraction ? Number(fraction.padEnd(6, '0')) : 0);

/** The Avro value of a formatted string: the logical member when it parses, else the text (member1). */
function unionValue(format: NonNullable<JsonType['format']>, text: string): Record<string, unknown> {
  if (format === 'date') {
    const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
    return d && !Number.isNaN(d.getTime()) ? { member0: d } : { member1: text };
  }
  if (format === 'time') {
    const m = TIME.exec(text);
    return m ? { member0: ((+m[1] * 60 + +m[2]) * 60 + +m[3]) * 1_000_000 + micros(m[4]) } : { member1: text };
  }
  const m = DATETIME.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  if (Number.isNaN(ms)) return { member1: text };
  const us = micros(m![7]);
  return { member0: ms >= 0 ? BigInt(ms) * 1000n + BigInt(us) : new Date(ms + Math.floor(us / 1000)) };
}

/** One MySQL value (mysql2 with dateStrings and bigNumberStrings) as the Avro record holds it; undefined for null. */
function avroValue(json: JsonType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (json.type === 'boolean') return Buffer.isBuffer(value) ? value[0] !== 0 : Number(value) !== 0;
  if (json.type === 'integer' || json.type === 'number') return Number(value);
  const text = Buffer.isBuffer(value) ? value.toString(json.binary ? 'base64' : 'utf8') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (json.format && /^0000-00-00/.test(text)) return undefined; // zeroDateTimeBehavior=convertToNull
  return json.format ? unionValue(json.format, text) : text;
}

export interface AirbyteS3SyncDeps {
  sources: MysqlSources;
  s3: S3Client;
  buckets: Record<BucketRole, string>;
  /** Rows per Parquet file (default 500,000). */
  maxRowsPerFile?: number;
  /** The destination version the connection runs (default 0.3.x, read at each sync). */
  destination?: () => AirbyteDestination;
}

async function catalogOf(deps: AirbyteS3SyncDeps, input: TableSyncInput): Promise<CatalogColumn[]> {
  const [rows] = await deps.sources.pool(input).query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [input.stream],
  );
  if (rows.length === 0) throw new Error(`stream ${input.stream} is not in the source's catalogue`);
  return rows.map((r) => ({ name: String(r.name), json: sourceMysqlJsonType(String(r.dataType), String(r.columnType)) }));
}

/** One stream of an Airbyte sync: the source table into the day's partition of the connection's bucket. */
export async function airbyteS3Sync(deps: AirbyteS3SyncDeps, input: TableSyncInput, signal: AbortSignal): Promise<TableSyncResult> {
  const started = Date.now();
  const { system, stream, date } = input;
  const bucket = deps.buckets[input.bucket];
  const prefix = partitionPrefix(system, stream, date);
  const columns = await catalogOf(deps, input);
  const destination = deps.destination?.() ?? 'destination-s3-0.3';
  const schema = new parquet.ParquetSchema(airbyteParquetFields(columns, destination));
  const maxRows = deps.maxRowsPerFile ?? 500_000;
  const emittedAt = new Date();
  await withdrawSuccessMarker(deps.s3, bucket, prefix);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'airbyte-s3-'));
  const written = new Set<string>();
  const connection = await deps.sources.pool(input).getConnection();
  const core = (connection as unknown as { connection: CorePoolConnection }).connection;
  const onAbort = () => core.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let rows = 0;
  let bytes = 0;
  let writer: { file: string; out: ParquetjsWriter; rows: number } | undefined;
  const finishFile = async () => {
    if (!writer) return;
    const { file, out } = writer;
    writer = undefined;
    await out.close();
    // parquet-avro writes logical types beside the converted ones; parquetjs-lite writes only the latter
    await addLogicalTypes(file);
    const key = prefix + partitionFileName(system, stream, FIRST_FILE_INDEX[system] + written.size);
    bytes += (await fs.stat(file)).size;
    await uploadFile(deps.s3, bucket, key, file, signal);
    written.add(key);
    await fs.rm(file, { force: true });
  };
  const openFile = async () => {
    const file = path.join(dir, `part-${written.size}.parquet`);
    writer = { file, out: await parquet.ParquetWriter.openFile(schema, file), rows: 0 };
  };
  try {
    const select = `SELECT ${columns.map((c) => `\`${c.name.replace(/`/g, '``')}\``).join(', ')} FROM \`${stream.replace(/`/g, '``')}\``;
    const source = core.query({ sql: select, rowsAsArray: true }).stream({ highWaterMark: 1000 });
    await openFile();
    for await (const row of source as AsyncIterable<unknown[]>) {
      signal.throwIfAborted();
      if (writer!.rows >= maxRows) {
        await finishFile();
        await openFile();
      }
      const record: Record<string, unknown> =
        destination === 'destination-s3-1.0'
          ? { _airbyte_raw_id: randomUUID(), _airbyte_extracted_at: emittedAt, _airbyte_meta: { sync_id: 1 }, _airbyte_generation_id: 0 }
          : { _airbyte_ab_id: randomUUID(), _airbyte_emitted_at: emittedAt };
      columns.forEach((c, i) => {
        const v = avroValue(c.json, row[i]);
        if (v !== undefined) record[c.name] = v;
      });
      await writer!.out.appendRow(record);
      writer!.rows++;
      rows++;
    }
    signal.throwIfAborted();
    await finishFile();
    await removeObjectsNotWritten(deps.s3, bucket, prefix, written);
    await writeSuccessMarker(deps.s3, bucket, prefix);
    return { stream, rows, files: written.size, bytes, durationMs: Date.now() - started, location: `s3://${bucket}/${prefix}` };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (writer) await writer.out.close().catch(() => undefined);
    try {
      connection.release();
    } catch {
      // a destroyed connection is already out of the pool
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
}
