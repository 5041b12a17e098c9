/**
 * syncTablesToS3: small tables synced one after another in one activity, so a
 * system of many small tables (Radar's 93) pays one activity and one workflow
 * task per batch instead of per table. Each table is synced exactly as
 * syncTableToS3 syncs it; its failure is recorded as its answer and the batch
 * goes on. After each table the activity heartbeats the tables done, and a
 * retried attempt (the worker died) keeps them. Cancellation stops the batch
 * between tables or inside one.
 */
import { ApplicationFailure } from '@temporalio/common';
import { invalidInput } from '../../config/failures';
import { currentContext, throwIfCancelled } from '../activity-progress';
import type { TableInBatch, TableSyncInput, TableSyncResult } from '../types';

type BatchInput = Omit<TableSyncInput, 'stream' | 'slice'> & { streams: string[] };

/** The tables an earlier attempt finished, when they are this batch's first ones. */
function tablesDone(details: unknown, streams: string[]): TableInBatch[] {
  const done = (details as { batch?: unknown } | undefined)?.batch;
  if (!Array.isArray(done)) return [];
  const kept: TableInBatch[] = [];
  for (const [i, item] of done.entries()) {
    if (!item || typeof item !== 'object' || (item as TableInBatch).stream !== streams[i]) break;
    kept.push(item as TableInBatch);
  }
  return kept;
}

function failureOfTable(err: unknown): NonNullable<TableInBatch['failure']> {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (err instanceof ApplicationFailure) return { type: err.type ?? 'unknown', message, nonRetryable: err.nonRetryable === true };
  return { type: 'unknown', message, nonRetryable: false };
}

/** `syncOne` syncs one table; `done` (the tables finished so far) goes in its progress heartbeats, so a retry keeps them. */
export async function syncTableBatch(
  input: BatchInput,
  syncOne: (input: TableSyncInput, done: readonly TableInBatch[]) => Promise<TableSyncResult>,
): Promise<TableInBatch[]> {
  if (!Array.isArray(input?.streams) || input.streams.some((s) => typeof s !== 'string')) {
    throw invalidInput(`syncTablesToS3: streams must be a list of table names, got ${JSON.stringify(input?.streams)?.slice(0, 80)}`);
  }
  const { streams, ...base } = input;
  const context = currentContext();
  const out = tablesDone(context?.info.heartbeatDetails, streams);
  for (const stream of streams.slice(out.length)) {
    throwIfCancelled();
    try {
      out.push({ stream, result: await syncOne({ ...base, stream }, out) });
    } catch (err) {
      if (context?.cancellationSignal.aborted) throw err;
      out.push({ stream, failure: failureOfTable(err) });
    }
    context?.heartbeat({ batch: out });
  }
  return out;
}
