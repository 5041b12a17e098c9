/**
 * Workflow ids, shared by the workflows, the CLI, the schedules and the alert
 * intake. An id names the work it does, so Temporal itself refuses a second
 * run of the same work (a second daily sync of a day, a second recovery of the
 * same failure on the same day). Pure.
 */
import type { FailureType } from '../config/failures';
import type { SourceRole, SystemName } from '../config/pipelines';

export const SCHEDULE_IDS = {
  acode: 'acode-daily-sync',
  radar: 'radar-daily-sync',
} as const satisfies Record<SystemName, string>;

/** `acode-daily-<date>-<source>`: one ACODE sync per day and source. */
export function acodeDailySyncId(date: string, source: SourceRole): string {
  return `acode-daily-${date}-${source}`;
}

/** `radar-daily-<date>`: one Radar sync per day. */
export function radarDailySyncId(date: string): string {
  return `radar-daily-${date}`;
}

/** The daily sync id for any system. */
export function dailySyncId(system: SystemName, date: string, source: SourceRole = 'primary'): string {
  return system === 'acode' ? acodeDailySyncId(date, source) : radarDailySyncId(date);
}

/** `health-monitor-<system>`: one long-running monitor per source system. */
export function healthMonitorId(system: SystemName): string {
  return `health-monitor-${system}`;
}

/** `recovery-<system>-<failureType>-<date>`: a storm of alerts about one failure starts one recovery. */
export function recoveryId(system: SystemName, failureType: FailureType, date: string): string {
  return `recovery-${system}-${failureType}-${date}`;
}

/** `reconciliation-<system>-<date>`. */
export function reconciliationId(system: SystemName, date: string): string {
  return `reconciliation-${system}-${date}`;
}

/**
 * `acode-daily-scheduled`: the id a daily schedule starts its runs under
 * (Temporal appends the fire time). Such a run is a launcher: it runs the
 * day's sync under the day's own id (runAsTheDaysSync).
 */
export function scheduledRunId(system: SystemName): string {
  return `${system}-daily-scheduled`;
}

/** `<recovery id>-<source>-sync-<n>`: the n-th sync a recovery runs itself, outside the day's own id. */
export function recoverySyncId(recoveryWorkflowId: string, source: SourceRole, n: number): string {
  return `${recoveryWorkflowId}-${source}-sync-${n}`;
}

/** `<recovery id>-reconciliation`: the reconciliation a recovery that used the backup runs. */
export function recoveryReconciliationId(recoveryWorkflowId: string): string {
  return `${recoveryWorkflowId}-reconciliation`;
}

/** `<recovery id>-primary-catch-up`: the day re-read from the primary once the monitor switched back from the backup. */
export function catchUpSyncId(recoveryWorkflowId: string): string {
  return `${recoveryWorkflowId}-primary-catch-up`;
}

/** Whether a daily sync may run under `workflowId` itself: the day's own id, a recovery's own sync or its catch-up. */
export function runsUnderOwnId(workflowId: string, dayId: string): boolean {
  return workflowId === dayId || /^recovery-.+-((primary|backup)-sync-\d+|primary-catch-up)$/.test(workflowId);
}
