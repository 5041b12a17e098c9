/**
 * Reading a live table against one consistent bound, in key slices and
 * ranges that can be resumed.
 *
 * - The bound: the table's single-column integer primary key and its lowest
 *   and highest values when the sync starts (`idpk <= H`), read from the
 *   index's two ends. Rows inserted during the sync land above H and wait
 *   for the next day; the partition holds exactly the rows of the bound that
 *   existed when their range was read, and the rows read are the rows
 *   landed, so validation needs no second count.
 * - Slices: the bound's key interval cut into equal key spans `(after, upTo]`,
 *   read at the same time by several connections or, for a table too big for
 *   one worker, by separate activities (extract-plan.ts). Keys are unique
 *   integers, so a slice holds at most its span of rows; the cut balances
 *   rows as well as the keys are dense (auto-increment keys are).
 * - Ranges: within a slice, keyset pagination in key order (`WHERE k > last
 *   AND k <= upTo ORDER BY k LIMIT n`), one file per range. After a range's
 *   file is uploaded, a checkpoint (the bound, each slice's last key, files,
 *   rows) is heartbeaten; a retried attempt continues every slice after its
 *   last key, keeping the files uploaded.
 * - Tables without such a key are read whole, in one slice (no bound).
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { KeyBound, KeySlice, TableSyncInput } from '../types';
import type { ExtractColumn } from './extract-columns';
import type { CsvChunk } from './extract-row-packets';

/**
 * KeyBound: the consistent bound of one sync, rows whose key is at most
 * `high` (null: the table was empty), `low` the smallest key then.
 * KeySlice: a key interval of the bound, `(after, upTo]`; `after` null: from
 * the table's start.
 */
export type { KeyBound, KeySlice };

/** How far one slice got: the key of its last row landed (null before its first range), its files, rows and bytes. */
export interface SliceProgress extends KeySlice {
  lastKey: string | null;
  files: number;
  rows: number;
  bytes: number;
  done: boolean;
}

/** What a retried attempt needs to continue: written after each range's file is uploaded. */
export interface SyncCheckpoint {
  stream: string;
  date: string;
  role: string;
  bound: KeyBound;
  slices: SliceProgress[];
  /** Totals over the slices. */
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

/** The key's lowest and highest values now: one read of each end of the index. */
export async function readBound(pool: Pool, table: string, key: string): Promise<KeyBound> {
  const k = `\`${key}\``;
  const [rows] = await pool.query<RowDataPacket[]>({ sql: `SELECT MIN(${k}) AS low, MAX(${k}) AS high FROM \`${table}\``, rowsAsArray: false });
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return { key, low: text(rows[0]?.low), high: text(rows[0]?.high) };
}

/** The most rows the bound can hold: its key span (exact for dense keys); 0 for an empty table. */
export function boundSpan(bound: KeyBound): number {
  if (bound.high === null) return 0;
  const low = BigInt(bound.low ?? '1');
  return Number(BigInt(bound.high) - low + 1n);
}

/** The most rows a slice can hold: its key span. */
export function sliceSpan(slice: KeySlice, bound: KeyBound): number {
  if (slice.upTo === null) return 0;
  const from = slice.after === null ? BigInt(bound.low ?? slice.upTo) - 1n : BigInt(slice.after);
  return Math.max(0, Number(BigInt(slice.upTo) - from));
}

/** The bound cut into `count` slices of equal key span (one slice for an empty or a small table). */
export function planSlices(bound: KeyBound, count: number): KeySlice[] {
  if (bound.high === null || count <= 1 || bound.low === null || bound.low === undefined) return [{ index: 0, after: null, upTo: bound.high }];
  const start = BigInt(bound.low) - 1n;
  const span = BigInt(bound.high) - start;
  const n = BigInt(Math.min(count, Number(span)));
  const width = (span + n - 1n) / n;
  const slices: KeySlice[] = [];
  for (let i = 0n; i < n; i++) {
    const after = i === 0n ? null : String(start + i * width);
    const upTo = i === n - 1n ? bound.high : String(start + (i + 1n) * width);
    slices.push({ index: Number(i), after, upTo });
  }
  return slices;
}

/** How many slices a bound is cut into: one per `rowsPerSlice` of its span, at most `max`. */
export function sliceCount(bound: KeyBound, rowsPerSlice: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(boundSpan(bound) / Math.max(1, rowsPerSlice))));
}

/** The SELECT of the range of `slice` after `lastKey`, at most `limit` rows of the bound, in key order. */
export function rangeSelect(select: string, key: string, slice: KeySlice, lastKey: string | null, limit: number): string {
  const k = `\`${key}\``;
  const from = lastKey ?? slice.after;
  const after = from === null ? '' : ` AND ${k} > ${integerLiteral(from)}`;
  return `${select} WHERE ${k} <= ${integerLiteral(slice.upTo ?? '0')}${after} ORDER BY ${k} LIMIT ${limit}`;
}

function integerLiteral(value: string): string {
  if (!/^-?\d{1,20}$/.test(value)) throw new Error(`key value ${JSON.stringify(value)} is not an integer`);
  return value;
}

/** The checkpoint of an earlier attempt of the same sync (same day, stream, role, key and slices), from its heartbeat details, if any. */
export function checkpointToResume(details: unknown, input: TableSyncInput, key: string, slices?: KeySlice[]): SyncCheckpoint | undefined {
  const cp = details as Partial<SyncCheckpoint> | undefined;
  if (!cp || typeof cp !== 'object' || !cp.bound || !Array.isArray(cp.slices) || cp.slices.length === 0) return undefined;
  const same = cp.stream === input.stream && cp.date === input.date && cp.role === input.role && cp.bound.key === key;
  const sameSlices =
    !slices || (slices.length === cp.slices.length && slices.every((s, i) => s.index === cp.slices![i].index && s.after === cp.slices![i].after && s.upTo === cp.slices![i].upTo));
  return same && sameSlices && typeof cp.abIdPrefix === 'string' && typeof cp.emittedAtMs === 'number' ? (cp as SyncCheckpoint) : undefined;
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
