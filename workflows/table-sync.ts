/**
 * The direct engine's sync of a system's tables, shared by ACODE and Radar:
 * the tables are planned first (one activity), a table too big for one
 * activity is read by one `syncTableToS3` per key slice — any worker of the
 * task queue takes each, so a cluster of workers is the distributed engine —
 * and completed by `finishTableSync` once every slice landed; every other
 * table is one `syncTableToS3`. Histories from before the plan replay as
 * they ran (patch `distributed-key-slices`).
 *
 * Tables and slices synced at once stop together (`allOrCancelled`): when one
 * fails, the others are cancelled and awaited before the failure is thrown,
 * so no activity of a failed run is still writing a partition while the
 * recovery's re-run writes it (patch `cancel-siblings`).
 */
import { CancellationScope, patched } from '@temporalio/workflow';
import type { ExtractActivities, TableSyncInput, TableSyncPlan, TableSyncResult } from '../activities/types';
import type { QuickActivities } from './activity-options';
import { PATCHES } from './patches';

export type TableInput = Omit<TableSyncInput, 'slice'>;

/**
 * The plans of `streams` (none before the patch: every table read by one
 * activity). The plan only spreads work: when it cannot be made, every table
 * is read by one activity, whose own failure then tells what is wrong.
 */
export async function planTables(quick: QuickActivities, base: Omit<TableInput, 'stream'>, streams: string[]): Promise<Map<string, TableSyncPlan>> {
  if (!patched(PATCHES.distributedRanges) || streams.length === 0) return new Map();
  const plans = await quick.planTableSync({ ...base, streams }).catch(() => [] as TableSyncPlan[]);
  return new Map(plans.map((p) => [p.stream, p]));
}

/**
 * `work` for every item at once. When one fails, the rest are cancelled (their
 * activities, proxied with WAIT_CANCELLATION_COMPLETED, stop at their next
 * heartbeat) and awaited, then the first failure is thrown.
 */
export async function allOrCancelled<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  if (!patched(PATCHES.cancelSiblings)) return Promise.all(items.map(work));
  return CancellationScope.cancellable(async () => {
    const runs = items.map(work);
    try {
      return await Promise.all(runs);
    } catch (err) {
      CancellationScope.current().cancel();
      await Promise.allSettled(runs);
      throw err;
    }
  });
}

/** One table: its slices' activities at once, then the finish; or one activity for the whole table. */
export async function syncPlannedTable(sync: ExtractActivities, quick: QuickActivities, input: TableInput, plan?: TableSyncPlan): Promise<TableSyncResult> {
  if (!plan?.bound || plan.slices.length === 0) return sync.syncTableToS3(input);
  const bound = plan.bound;
  const count = plan.slices.length;
  const slices = await allOrCancelled(plan.slices, (slice) => sync.syncTableToS3({ ...input, slice: { bound, slice, count } }));
  return quick.finishTableSync({ ...input, bound, slices });
}
