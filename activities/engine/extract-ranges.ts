/**
 * Reading a live table against one consistent bound, in key ranges that can be
 * resumed.
 *
 * - The bound: the table's single-column integer primary key and its highest
 *   value when the sync starts (`idpk <= H`). Rows inserted during the sync
 *   land above H and wait for the next day; the partition holds exactly the
 *   rows of the bound that existed when their range was read, and the rows
 *   read are the rows landed, so validation needs no second count.
 * - The ranges: keyset pagination in key order (`WHERE k > last AND k <= H
 *   ORDER BY k LIMIT n`), one file per range. After a range's file is
 *   uploaded, a checkpoint (bound, last key, files, rows) is heartbeaten; a
 *   retried attempt continues after the last key, keeping the files uploaded.
 * - Tables without such a key are read whole, as before (no bound).
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { TableSyncInput } from '../types';
import type { ExtractColumn } from './extract-columns';
import type { CsvChunk } from './extract-row-packets';

/** The consistent bound of one sync: rows whose key is at most `high` (null: the table was empty). */
export interface KeyBound {
  key: string;
  high: string | null;
}

/** What a retried attempt needs to continue: written after each range's file is uploaded. */
export interface SyncCheckpoint {
  stream: string;
  date: string;
  role: string;
  bound: KeyBound;
  /** The key of the last row landed; null before the first range. */
  lastKey: string | null;
  files: number;
  rows: number;
  bytes: number;
  abIdPrefix: string;
  emittedAtMs: number;
}

interface KeyColumn extends RowDataPacket {
  name: string;
}

/** The single-column integer primary key of `table` among `columns`, or undefined. */
export async function integerPrimaryKey(pool: Pool, table: string, columns: ExtractColumn[]): Promise<string | undefined> {
  const [rows] = await pool.query<KeyColumn[]>(
    `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'`,
    [table],
  );
  if (rows.length !== 1) return undefined;
  const column = columns.find((c) => c.name.toLowerCase() === String(rows[0].name).toLowerCase());
  return column && (column.type.kind === 'bigint' || column.type.kind === 'int') ? column.name : undefined;
}

/** The key's highest value now: one read of the index's end. */
export async function readBound(pool: Pool, table: string, key: string): Promise<KeyBound> {
  const [rows] = await pool.query<RowDataPacket[]>({ sql: `SELECT MAX(\`${key}\`) AS high FROM \`${table}\``, rowsAsArray: false });
  const high = rows[0]?.high;
  return { key, high: high === null || high === undefined ? null : String(high) };
}

/** The SELECT of the range after `lastKey`, at most `limit` rows of the bound, in key order. */
export function rangeSelect(select: string, bound: KeyBound, lastKey: string | null, limit: number): string {
  const k = `\`${bound.key}\``;
  const after = lastKey === null ? '' : ` AND ${k} > ${integerLiteral(lastKey)}`;
  return `${select} WHERE ${k} <= ${integerLiteral(bound.high ?? '0')}${after} ORDER BY ${k} LIMIT ${limit}`;
}

function integerLiteral(value: string): string {
  if (!/^-?\d{1,20}$/.test(value)) throw new Error(`key value ${JSON.stringify(value)} is not an integer`);
  return value;
}

/** The checkpoint of an earlier attempt of the same sync, from its heartbeat details, if any. */
export function checkpointToResume(details: unknown, input: TableSyncInput, key: string): SyncCheckpoint | undefined {
  const cp = details as Partial<SyncCheckpoint> | undefined;
  if (!cp || typeof cp !== 'object' || !cp.bound || typeof cp.files !== 'number' || typeof cp.rows !== 'number') return undefined;
  const same = cp.stream === input.stream && cp.date === input.date && cp.role === input.role && cp.bound.key === key;
  return same && typeof cp.abIdPrefix === 'string' && typeof cp.emittedAtMs === 'number' ? (cp as SyncCheckpoint) : undefined;
}

/** The value of field `index` of the last row of a CSV chunk (RFC 4180 quoting), as text. */
export function lastRowField(chunk: CsvChunk, index: number): string {
  const start = chunk.rows > 1 ? chunk.rowEnds[chunk.rows - 2] : 0;
  const end = chunk.rowEnds[chunk.rows - 1];
  const csv = chunk.csv;
  let field = 0;
  let p = start;
  while (field < index && p < end) {
    if (csv[p] === 0x22) {
      // a quoted field: "" inside is an escaped quote
      for (p++; p < end; p++) if (csv[p] === 0x22 && csv[++p] !== 0x22) break;
    } else {
      while (p < end && csv[p] !== 0x2c) p++;
    }
    p++; // the comma
    field++;
  }
  let q = p;
  while (q < end && csv[q] !== 0x2c && csv[q] !== 0x0a) q++;
  return csv.toString('latin1', p, q);
}
