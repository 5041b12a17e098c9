/**
 * The daily schedules: ACODE and Radar at 02:00 UTC (ids `acode-daily-sync`,
 * `radar-daily-sync`), created or brought up to date, never duplicated. A run
 * that is still going when the next is due is not overlapped (SKIP); a missed
 * start is caught up within the 02:00–06:00 window.
 *
 * Temporal names a scheduled run `<workflowId>-<scheduled time>`; the run
 * defaults its date to its own UTC day.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { SYSTEMS, type SyncEngine, type SystemName } from '../config/pipelines';
import { acodeDailySync } from '../workflows/acode-daily-sync';
import { SCHEDULE_IDS, scheduledRunId } from '../workflows/ids';
import { radarDailySync } from '../workflows/radar-daily-sync';
import type { ClientSettings } from './connection';

export interface ScheduleApplied {
  scheduleId: string;
  action: 'created' | 'updated';
}

/** The workflow each system's daily schedule starts. */
const DAILY_SYNCS = { acode: acodeDailySync, radar: radarDailySync } as const satisfies Record<SystemName, unknown>;

const CATCHUP_WINDOW_MS = 4 * 60 * 60 * 1000;

export function dailyScheduleOptions(system: SystemName, settings: ClientSettings, engine: SyncEngine = 'direct'): ScheduleOptions {
  return {
    scheduleId: SCHEDULE_IDS[system],
    spec: { calendars: [{ hour: 2, minute: 0 }], timezone: 'UTC' },
    action: {
      type: 'startWorkflow',
      workflowType: DAILY_SYNCS[system],
      // A launcher id: the run hands the day to the day's own id (workflows/one-run-per-day.ts).
      workflowId: scheduledRunId(system),
      taskQueue: settings.taskQueue,
      args: [{ engine }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW_MS },
    memo: { description: `${system.toUpperCase()} daily bronze ingestion, 02:00 UTC` },
  };
}

/** Creates each schedule, or updates its spec, action and policies when it exists. */
export async function applyDailySchedules(
  client: Client,
  settings: ClientSettings,
  engine: SyncEngine = 'direct',
  systems: readonly SystemName[] = SYSTEMS,
): Promise<ScheduleApplied[]> {
  const applied: ScheduleApplied[] = [];
  for (const system of systems) {
    const options = dailyScheduleOptions(system, settings, engine);
    try {
      await client.schedule.create(options);
      applied.push({ scheduleId: options.scheduleId, action: 'created' });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
      }));
      applied.push({ scheduleId: options.scheduleId, action: 'updated' });
    }
  }
  return applied;
}
