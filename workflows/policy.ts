/**
 * The runbooks' rules as pure functions (seed 003): which recovery strategy a
 * failure calls for, the backoff schedule, when to fail over, and how levels
 * and alerts are graded. No Temporal imports: workflows and plain unit tests
 * use them alike.
 */
import { isFailureType, type FailureType } from '../config/failures';
import { AIRBYTE_CONNECTIONS, type SystemName } from '../config/pipelines';
import type { Level, Severity } from '../activities/types';
import { ERROR_RATE, FRESHNESS, REPLICATION_LAG, levelOf } from '../config/thresholds';

export type RecoveryStrategy =
  | 'retry_primary_with_delay'
  | 'use_backup_immediately'
  | 'full_backup_restore'
  | 'manual_intervention_required';

const STRATEGY_TABLE: Partial<Record<FailureType, RecoveryStrategy>> = {
  connection_timeout: 'retry_primary_with_delay',
  network_partition: 'retry_primary_with_delay',
  authentication_failed: 'use_backup_immediately',
  primary_db_down: 'use_backup_immediately',
  data_corruption: 'full_backup_restore',
  schema_change: 'manual_intervention_required',
  // S3 down: wait it out with the same backoff; the backup cannot help, it writes to S3 too.
  storage_unavailable: 'retry_primary_with_delay',
};

/** Whether a system has a backup source to fail over to (ACODE does; Radar does not). */
export function hasBackupSource(system: SystemName): boolean {
  return AIRBYTE_CONNECTIONS[system].backup !== undefined;
}

/** Strategies that need a backup source. */
export function needsBackup(strategy: RecoveryStrategy): boolean {
  return strategy === 'use_backup_immediately' || strategy === 'full_backup_restore';
}

/**
 * The strategy for a failure type (seed 003's table); anything else, including
 * unknown strings, needs a person. A strategy needing a backup on a system
 * without one also needs a person.
 */
export function strategyFor(failureType: string, system: SystemName = 'acode'): RecoveryStrategy {
  const strategy = (isFailureType(failureType) && STRATEGY_TABLE[failureType]) || 'manual_intervention_required';
  if (needsBackup(strategy) && !hasBackupSource(system)) return 'manual_intervention_required';
  return strategy;
}

/** Where retry_primary_with_delay goes when the primary stays down. */
export function escalationAfterRetries(system: SystemName): RecoveryStrategy {
  return hasBackupSource(system) ? 'use_backup_immediately' : 'manual_intervention_required';
}

/**
 * The backoff waits: each base delay plus a jitter in [0, jitterMs], drawn from
 * `random` (in workflows, the workflow's seeded Math.random, so replay gives the same waits).
 */
export function backoffSchedule(baseDelaysMs: readonly number[], jitterMs: number, random: () => number): number[] {
  return baseDelaysMs.map((base) => base + Math.round(clamp01(random()) * jitterMs));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

// ---------- levels ----------

/** Error rate is measured over this many recent checks, and only once that many exist (config/thresholds.ts). */
export const ERROR_RATE_WINDOW = ERROR_RATE.window;

/** Freshness of MAX(Data_Processamento) against config/thresholds.ts; no data at all is critical. */
export function freshnessLevel(lagSeconds: number | null): Level {
  return levelOf(lagSeconds, FRESHNESS);
}

/** Replica lag against config/thresholds.ts; stopped replication (null) is critical. */
export function replicationLagLevel(lagSeconds: number | null): Level {
  return levelOf(lagSeconds, REPLICATION_LAG);
}

/** No file landed today after the 02:00–06:00 UTC sync window is a warning; before it, nothing is expected yet. */
export function recentFilesLevel(files: number, hourUtc: number): Level {
  return files === 0 && hourUtc >= 6 ? 'warning' : 'ok';
}

/** Share of failed checks among the last ERROR_RATE_WINDOW; 0 until the window is full. */
export function errorRate(recentOutcomes: readonly boolean[]): number {
  if (recentOutcomes.length < ERROR_RATE_WINDOW) return 0;
  const window = recentOutcomes.slice(-ERROR_RATE_WINDOW);
  return window.filter((ok) => !ok).length / window.length;
}

// ---------- failover ----------

export interface FailoverInputs {
  consecutivePrimaryFailures: number;
  /** Outcomes of recent primary checks, oldest first (true = ok). */
  recentOutcomes: readonly boolean[];
  freshness: Level | null;
  replication: Level | null;
  /** Failure type of the last primary failure, when there was one. */
  lastFailureType?: FailureType;
}

export interface FailoverDecision {
  failover: boolean;
  failureType: FailureType;
  reasons: string[];
  /** Things to report that are not reasons to fail over (a lagging replica). */
  risks: string[];
}

/**
 * Seed 003: fail over after N consecutive primary failures, on an error rate
 * above 10 %, or on stale data. A lagging replica is a risk to report, never a
 * reason to fail over to it.
 */
export function decideFailover(inputs: FailoverInputs, failuresThreshold = 3): FailoverDecision {
  const reasons: string[] = [];
  const risks: string[] = [];
  let failureType: FailureType = inputs.lastFailureType ?? 'unknown';
  if (inputs.consecutivePrimaryFailures >= failuresThreshold) {
    reasons.push(`${inputs.consecutivePrimaryFailures} consecutive primary failures`);
  }
  const rate = errorRate(inputs.recentOutcomes);
  if (rate > ERROR_RATE.threshold) reasons.push(`error rate ${(rate * 100).toFixed(1)} % over the last ${ERROR_RATE_WINDOW} checks`);
  if (inputs.freshness === 'critical') {
    reasons.push('stale data: latest Data_Processamento older than 24 h');
    if (reasons.length === 1) failureType = 'stale_data';
  }
  if (inputs.replication === 'warning' || inputs.replication === 'critical') {
    risks.push(`backup replication lag is ${inputs.replication}: failing over to it may lose recent rows`);
  }
  return { failover: reasons.length > 0, failureType, reasons, risks };
}

// ---------- health summary ----------

export type Health = 'healthy' | 'degraded' | 'unhealthy';

export interface CheckOutcome {
  name: string;
  level: Level;
  detail: string;
}

/** Worst level wins: any critical → unhealthy, any warning → degraded. */
export function summarizeHealth(checks: readonly CheckOutcome[]): Health {
  if (checks.some((c) => c.level === 'critical')) return 'unhealthy';
  if (checks.some((c) => c.level === 'warning')) return 'degraded';
  return 'healthy';
}

// ---------- alerts ----------

export function severityForLevel(level: Level): Severity {
  return level === 'critical' ? 'CRITICAL' : level === 'warning' ? 'WARNING' : 'INFO';
}

/** A failed daily sync: a critical stream (or any ACODE stream) is CRITICAL, otherwise ERROR. */
export function severityForSyncFailure(criticalStream: boolean): Severity {
  return criticalStream ? 'CRITICAL' : 'ERROR';
}

/** The alert a recovery strategy opens with: automatic ones inform, manual asks for a person. */
export function severityForRecoveryStart(strategy: RecoveryStrategy): Severity {
  return strategy === 'manual_intervention_required' ? 'ERROR' : 'WARNING';
}

/** Relative change of today's volume against yesterday's; null when there is no baseline. */
export function volumeChange(previous: number, current: number): number | null {
  if (!(previous > 0)) return null;
  return (current - previous) / previous;
}

export function volumeChangeExceeded(previous: number, current: number, ratio: number): boolean {
  const change = volumeChange(previous, current);
  return change !== null && Math.abs(change) > ratio;
}
