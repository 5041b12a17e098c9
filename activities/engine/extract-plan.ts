/**
 * Tables too big for one worker, read by several activities: the plan cuts
 * each such table's bound into key slices (one `syncTableToS3` activity per
 * slice, any worker of the task queue runs it, each with its own checkpoint),
 * and the finish completes the partition once every slice landed. The
 * partition's `_SUCCESS` is withdrawn by the plan and written only by the
 * finish, so a partition is never complete with a slice missing.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { BUCKETS, partitionPrefix } from '../../config/pipelines';
import { invalidInput } from '../../config/failures';
import type { KeyBound, TableSyncInput, TableSyncPlan, TableSyncResult } from '../types';
import { discoverColumns, resolveColumns } from './extract-columns';
import { mysqlFailure } from './extract-failures';
import { streamSpecFor, validateInput } from './extract-input';
import { integerPrimaryKey, planSlices, readBound, sliceCount } from './extract-ranges';
import { MAX_SLICES, sliceFileNames, type SyncDeps } from './extract-engine';
import { removeObjectsNotWritten, withdrawSuccessMarker, writeSuccessMarker } from '../s3/partition-writes';

export interface PlanOptions {
  /** Keys per activity: a table whose bound spans more is cut into that many slices (default 10,000,000). */
  rowsPerActivity?: number;
}

export const DEFAULT_ROWS_PER_ACTIVITY = 10_000_000;

type PlanInput = Omit<TableSyncInput, 'stream' | 'slice'> & { streams: string[] };

/** The plan of each stream: slices for the ones too big for one activity, none (read whole by one activity) for the rest. */
export async function planTableSync(deps: SyncDeps, input: PlanInput, options: PlanOptions = {}): Promise<TableSyncPlan[]> {
  if (!input || !Array.isArray(input.streams)) throw invalidInput('planTableSync: streams missing');
  const buckets = deps.buckets ?? { ...BUCKETS };
  const perActivity = Math.max(1, options.rowsPerActivity ?? DEFAULT_ROWS_PER_ACTIVITY);
  for (const stream of input.streams) validateInput({ ...input, stream }, buckets);
  const plans: TableSyncPlan[] = [];
  // the tables' estimated sizes in one read; only the big ones get their bound read
  const estimates = await tableRowEstimates(deps, input);
  for (const stream of input.streams) {
    const one = { ...input, stream };
    if ((estimates.get(stream.toLowerCase()) ?? Infinity) < perActivity / 2) {
      plans.push({ stream, slices: [] });
      continue;
    }
    const source = deps.sources.label(one);
    const pool = deps.sources.pool(one);
    const bound = await (async () => {
      const columns = resolveColumns(streamSpecFor(input.system, stream), await discoverColumns(pool, stream));
      const key = await integerPrimaryKey(pool, stream, columns);
      return key ? readBound(pool, stream, key) : undefined;
    })().catch((err) => {
      throw mysqlFailure(err, source, stream, (text) => deps.sources.redact(one, text));
    });
    const count = bound ? Math.min(MAX_SLICES, sliceCount(bound, perActivity, MAX_SLICES)) : 1;
    if (!bound || count <= 1) {
      plans.push({ stream, slices: [] });
      continue;
    }
    await withdrawSuccessMarker(deps.s3, buckets[input.bucket], partitionPrefix(input.system, stream, input.date));
    plans.push({ stream, bound, slices: planSlices(bound, count) });
  }
  return plans;
}

/** InnoDB's row estimate of every table of the source's database (it can be off by half: a candidate is checked by its bound). */
async function tableRowEstimates(deps: SyncDeps, input: PlanInput): Promise<Map<string, number>> {
  const ref = { system: input.system, role: input.role };
  const [rows] = await deps.sources
    .pool(ref)
    .query<RowDataPacket[]>('SELECT TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')
    .catch((err) => {
      throw mysqlFailure(err, deps.sources.label(ref), 'information_schema.TABLES', (text) => deps.sources.redact(ref, text));
    });
  return new Map(rows.map((r) => [String(r.name).toLowerCase(), Number(r.n ?? 0)]));
}

/** Completes a planned partition: every slice landed, objects no slice wrote removed, `_SUCCESS` last; the slices' totals. */
export async function finishTableSync(
  deps: SyncDeps,
  input: Omit<TableSyncInput, 'slice'> & { bound: KeyBound; slices: TableSyncResult[] },
): Promise<TableSyncResult> {
  const buckets = deps.buckets ?? { ...BUCKETS };
  validateInput(input, buckets);
  const parts = input.slices.map((r) => r.slice);
  if (parts.length === 0 || parts.some((p) => !p)) throw invalidInput(`finishTableSync ${input.stream}: every slice's result is needed`);
  const bucket = buckets[input.bucket];
  const prefix = partitionPrefix(input.system, input.stream, input.date);
  const landed = parts.map((p) => p!);
  const written = new Set(sliceFileNames(input, landed, true).map((name) => prefix + name));
  await removeObjectsNotWritten(deps.s3, bucket, prefix, written);
  await writeSuccessMarker(deps.s3, bucket, prefix);
  const total = (field: 'rows' | 'files' | 'bytes') => landed.reduce((n, p) => n + p[field], 0);
  return {
    stream: input.stream,
    rows: total('rows'),
    files: total('files'),
    bytes: total('bytes'),
    durationMs: Math.max(...input.slices.map((r) => r.durationMs)),
    location: `s3://${bucket}/${prefix}`,
    bound: input.bound,
    slices: landed.length,
    rowsReadThisAttempt: input.slices.reduce((n, r) => n + (r.rowsReadThisAttempt ?? 0), 0),
  };
}
