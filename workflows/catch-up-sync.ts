/**
 * The catch-up after a switch-back: the day the monitor failed over on is
 * synced again from the primary, as a child with ParentClosePolicy ABANDON
 * under `<recovery id>-primary-catch-up`.
 *
 * Why: the backup is a replica, and a replica that lagged when the primary
 * died had not applied the primary's last rows; the day landed from it lacks
 * them (the replica-lagging drill measured 25 of 4,825). Once the primary
 * answers again it holds them, so the day is read from it once more and its
 * partitions replaced. The catch-up runs after every failover that used the
 * backup, not only when a lag was reported: the lag is measured at the health
 * cycles, not at the instant the primary died. A catch-up that fails is a
 * failed daily sync like any other, and hands over to recovery.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { SyncEngine, SystemName } from '../config/pipelines';
import { acodeDailySync } from './acode-daily-sync';
import type { FailoverRecord } from './health-state';
import { catchUpSyncId } from './ids';
import type { AcodeDailySyncInput, RadarDailySyncInput } from './inputs';
import { radarDailySync } from './radar-daily-sync';

export interface CatchUp {
  workflowId: string;
  date: string;
}

/** Starts the catch-up of the failover's day (once: a second start finds it started). */
export async function startCatchUpSync(system: SystemName, engine: SyncEngine, failover: FailoverRecord, rawTimings?: unknown): Promise<CatchUp> {
  const workflowId = catchUpSyncId(failover.recoveryWorkflowId);
  const date = failover.at.slice(0, 10);
  const timings = rawTimings ? { timings: rawTimings as AcodeDailySyncInput['timings'] } : {};
  const options = { workflowId, parentClosePolicy: ParentClosePolicy.ABANDON };
  try {
    if (system === 'acode') {
      const args: AcodeDailySyncInput = { date, source: 'primary', engine, ...timings };
      await startChild(acodeDailySync, { ...options, args: [args] });
    } else {
      const args: RadarDailySyncInput = { date, engine, ...timings };
      await startChild(radarDailySync, { ...options, args: [args] });
    }
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { workflowId, date };
}
