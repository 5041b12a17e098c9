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
