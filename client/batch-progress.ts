/**
 * The tables of a `syncTablesToS3` batch (activities/engine/table-batch.ts),
 * read as streams of their own for the progress display: scheduled, each
 * table pending; while it runs, its heartbeat details `{ batch, progress }`
 * say which tables are done (with their results) and how far the next one
 * is; completed, its result is one item per table, landed or failed; failed,
 * timed out or cancelled as a whole, every table not done failed with it.
 */
import type { TableInBatch } from '../activities/types';
import type { CallPart } from './stream-progress';

export const BATCH_ACTIVITY = 'syncTablesToS3';

export interface BatchInput {
  system?: string;
  role?: string;
  streams?: unknown;
}

/** Records what a batch says of one of its tables (a stream read whole). */
export type RecordTable = (input: { system?: string; role?: string; stream: string }, progress: CallPart, scheduled?: boolean) => void;

const tablesOf = (input: BatchInput): string[] => (Array.isArray(input.streams) ? input.streams.filter((s): s is string => typeof s === 'string') : []);
const tableInput = (input: BatchInput, stream: string) => ({ system: input.system, role: input.role, stream });

function recordItem(input: BatchInput, item: TableInBatch, record: RecordTable): void {
  if (item.result) record(tableInput(input, item.stream), { state: 'done', rows: item.result.rows, files: item.result.files, total: item.result.rows });
  else record(tableInput(input, item.stream), { state: 'failed', rows: 0, files: 0, error: item.failure?.message.slice(0, 200) ?? 'failed' });
}

export function batchScheduled(input: BatchInput, record: RecordTable): void {
  for (const stream of tablesOf(input)) record(tableInput(input, stream), { state: 'pending', rows: 0, files: 0 }, true);
}

export function batchCompleted(input: BatchInput, result: unknown, record: RecordTable): void {
  for (const item of Array.isArray(result) ? (result as TableInBatch[]) : []) if (item && typeof item.stream === 'string') recordItem(input, item, record);
}

/** The batch ended without a result: the tables it had not done fail with it. */
export function batchEnded(input: BatchInput, error: string, isDone: (stream: string) => boolean, record: RecordTable): void {
  for (const stream of tablesOf(input)) if (!isDone(stream)) record(tableInput(input, stream), { state: 'failed', rows: 0, files: 0, error });
}

/** A batch still pending: the tables its heartbeat names as done, the next one running (or waiting) with its progress. */
export function batchPending(
  input: BatchInput,
  details: unknown,
  now: { running: boolean; attempt: number; progress: { rows: number; files: number; total?: number } },
  record: RecordTable,
): void {
  const done = (details as { batch?: unknown } | undefined)?.batch;
  const items = Array.isArray(done) ? (done as TableInBatch[]).filter((i) => i && typeof i.stream === 'string') : [];
  for (const item of items) recordItem(input, item, record);
  const next = tablesOf(input).find((s) => !items.some((i) => i.stream === s));
  if (next) record(tableInput(input, next), { state: now.running ? 'running' : 'pending', ...now.progress, attempt: now.attempt });
}
