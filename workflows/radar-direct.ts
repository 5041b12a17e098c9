/**
 * Radar on the direct engine: the tables planned first; a table big enough to
 * be planned in key slices synced on its own (syncPlannedTable), the small
 * ones in batches of `radarTablesPerBatch` per syncTablesToS3 activity, so 93
 * small tables cost a dozen activities and workflow tasks, not 93 (patch
 * `radar-table-batches`; before it, one activity per table). Critical tables
 * go first, in batches of their own, so a critical failure stops the run
 * early. A table that fails in a batch is retried on its own, 15 min later
 * and twice at most (seed 002), as a table of its own was.
 */
import { ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { NON_RETRYABLE_TYPES } from '../config/failures';
import type { TableSyncPlan, TableSyncResult } from '../activities/types';
import type { ActivityProxies } from './activity-options';
import { failureOf, failureTypeOf } from './failure-classification';
import { PATCHES } from './patches';
import { describeError, emptyOutcome, forEachBounded, isCriticalTable, type RadarTableOutcome } from './radar-sync-steps';
import { planTables, syncPlannedTable, type TableInput } from './table-sync';
import type { Timings } from './timings';

/** Units of work: a planned (sliced) table alone; the others in batches, critical ones apart from the rest. */
function unitsOf(ordered: string[], plans: Map<string, TableSyncPlan>, perBatch: number, batched: boolean): { tables: string[]; batch: boolean }[] {
  if (!batched) return ordered.map((table) => ({ tables: [table], batch: false }));
  const sliced = (table: string) => (plans.get(table)?.slices.length ?? 0) > 0;
  const units = ordered.filter(sliced).map((table) => ({ tables: [table], batch: false }));
  for (const group of [ordered.filter((x) => !sliced(x) && isCriticalTable(x)), ordered.filter((x) => !sliced(x) && !isCriticalTable(x))]) {
    for (let i = 0; i < group.length; i += perBatch) units.push({ tables: group.slice(i, i + perBatch), batch: true });
  }
  // critical work first: sliced critical tables, then the critical batches, then the rest
  const critical = (u: { tables: string[] }) => u.tables.some(isCriticalTable);
  return [...units.filter(critical), ...units.filter((u) => !critical(u))];
}

export async function syncRadarTablesDirect(proxies: ActivityProxies, tables: string[], date: string, t: Timings): Promise<RadarTableOutcome[]> {
  const ordered = [...tables.filter(isCriticalTable), ...tables.filter((x) => !isCriticalTable(x))];
  const retryPolicy = (attempts: number) => ({ initialInterval: Math.max(1, t.radarRetryDelayMs), backoffCoefficient: 1, maximumAttempts: attempts, nonRetryableErrorTypes: NON_RETRYABLE_TYPES });
  const sync = proxies.sync(t.radarJobTimeoutMs, retryPolicy(1 + t.radarRetries));
  const batchSync = proxies.sync(t.radarJobTimeoutMs);
  const outcomes = new Map<string, RadarTableOutcome>();
  let criticalFailed = false;
  const base = { system: 'radar' as const, role: 'primary' as const, date, bucket: 'bronze' as const };
  const plans = await planTables(proxies.quick, base, ordered);

  /** The outcome of a table read: against a consistent bound the rows read are the rows landed; else the live table is counted. */
  const landed = async (table: string, result: TableSyncResult): Promise<RadarTableOutcome> => {
    if (!(result.bound && patched(PATCHES.consistentBound))) {
      const sourceRows = await proxies.quick.countSourceRows({ system: 'radar', role: 'primary', table });
      if (result.rows !== sourceRows) throw failureOf('data_corruption', `table ${table}: ${result.rows} rows written, the source has ${sourceRows}`);
    }
    return { ...emptyOutcome(table, 'synced'), rows: result.rows, files: result.files, bytes: result.bytes, durationMs: result.durationMs };
  };
  const record = (table: string, work: () => Promise<RadarTableOutcome>) =>
    work().then(
      (outcome) => outcomes.set(table, outcome),
      (err: unknown) => {
        const outcome: RadarTableOutcome = { ...emptyOutcome(table, 'failed'), failureType: failureTypeOf(err), error: describeError(table, err) };
        if (outcome.critical) criticalFailed = true;
        outcomes.set(table, outcome);
      },
    );
  const alone = (input: TableInput) => syncPlannedTable(sync, proxies.quick, input, plans.get(input.stream));

  /** A batch; then each table that failed in it on its own, after the retry delay, with the retries it has left. */
  const syncBatch = async (batch: string[]) => {
    const items = await batchSync.syncTablesToS3({ ...base, streams: batch }).catch((err: unknown) => batch.map((stream) => ({ stream, error: err })));
    const retry = t.radarRetries > 0 ? proxies.sync(t.radarJobTimeoutMs, retryPolicy(t.radarRetries)) : undefined;
    await Promise.all(
      batch.map((table) =>
        record(table, async () => {
          const item = items.find((i) => i.stream === table);
          if (item && 'result' in item && item.result) return landed(table, item.result);
          const failure = item && 'failure' in item && item.failure ? item.failure : undefined;
          const error = failure ? ApplicationFailure.create(failure) : (item as { error?: unknown } | undefined)?.error;
          if (!retry || failure?.nonRetryable) throw error;
          await sleep(t.radarRetryDelayMs);
          return landed(table, await syncPlannedTable(retry, proxies.quick, { ...base, stream: table }, plans.get(table)));
        }),
      ),
    );
  };

  const units = unitsOf(ordered, plans, t.radarTablesPerBatch, patched(PATCHES.radarTableBatches));
  await forEachBounded(units, t.radarParallelism, () => criticalFailed, async (unit) => {
    if (unit.batch) return syncBatch(unit.tables);
    const [table] = unit.tables;
    await record(table, async () => landed(table, await alone({ ...base, stream: table })));
  });
  return ordered.map((table) => outcomes.get(table) ?? emptyOutcome(table, 'skipped'));
}
