import { temporal } from '@temporalio/proto';
import { invalidArgument } from './errors';
import { ScheduleDefinition, resolveOverlap } from './schedule-definition';
import { ManualAction } from './schedule-info';
import { nextFireTimes } from './schedule-spec';
import { protoToMs } from './schedule-timestamps';

/** A single backfill request may start at most this many runs. */
export const MAX_BACKFILL_ACTIONS = 1000;

/**
 * The actions a patch asks for, validated: trigger_immediately at `nowMs`, then each backfill's
 * spec times in (start_time, end_time] (start exclusive, end inclusive, as Temporal documents).
 * An unspecified overlap policy means the schedule's own.
 */
export function patchActions(
  def: ScheduleDefinition,
  patch: temporal.api.schedule.v1.ISchedulePatch | null | undefined,
  nowMs: number,
  where: string,
): ManualAction[] {
  const actions: ManualAction[] = [];
  if (patch?.triggerImmediately) {
    const field = `${where}.trigger_immediately.overlap_policy`;
    actions.push({ nominalMs: nowMs, overlap: resolveOverlap(patch.triggerImmediately.overlapPolicy, def.overlap, field) });
  }
  (patch?.backfillRequest ?? []).forEach((backfill, i) => {
    const at = `${where}.backfill_request[${i}]`;
    const overlap = resolveOverlap(backfill.overlapPolicy, def.overlap, `${at}.overlap_policy`);
    const startMs = protoToMs(backfill.startTime);
    const endMs = protoToMs(backfill.endTime);
    if (startMs === undefined || endMs === undefined) throw invalidArgument(`${at}: start_time and end_time are required`);
    if (endMs < startMs) throw invalidArgument(`${at}: end_time is before start_time`);
    const times = nextFireTimes(def.compiled, startMs, MAX_BACKFILL_ACTIONS + 1, endMs);
    if (times.length > MAX_BACKFILL_ACTIONS) {
      throw invalidArgument(`${at}: covers more than ${MAX_BACKFILL_ACTIONS} actions, split it`);
    }
    actions.push(...times.map((nominalMs) => ({ nominalMs, overlap })));
  });
  return actions;
}
