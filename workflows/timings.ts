/**
 * Every timing and threshold the workflows use, with the seeds' values as
 * defaults. Each workflow input may carry `timings` overriding any of them, so
 * scenarios can run with short intervals. Pure: no Temporal, no Node APIs.
 */

export interface Timings {
  /** Waits before each primary re-test in retry_primary_with_delay (seed 003: 5, 10, 20 min). */
  retryBackoffMs: number[];
  /** Up to this much random jitter is added to each backoff wait (seed 003: 60 s). */
  retryJitterMs: number;
  /** Bound on a backup sync (seed 003: 2 h). */
  backupSyncTimeoutMs: number;
  /** Polling interval of the backup Airbyte job (seed 003: 2 min). */
  backupSyncPollMs: number;
  /** Bound on an ACODE primary sync (SLA: 2 h, max 3 h). */
  acodeSyncTimeoutMs: number;
  /** Polling interval of an ACODE Airbyte job. */
  acodeSyncPollMs: number;
  /** Bound on a Radar job or table (seed 002: 1 h). */
  radarJobTimeoutMs: number;
  /** Polling interval of the Radar Airbyte job (seed 002: 60 s). */
  radarJobPollMs: number;
  /** Retries of a failed Radar job or table (seed 002: 2). */
  radarRetries: number;
  /** Wait between Radar retries (seed 002: 15 min). */
  radarRetryDelayMs: number;
  /** Radar tables synced at once by the direct engine. */
  radarParallelism: number;
  /** A run longer than this raises an alert (seed 002: 90 min). */
  longRunAlertMs: number;
  /** A data-volume change beyond this ratio against the previous day raises an alert (seed 002: 20 %). */
  volumeChangeRatio: number;
  /** Health monitor cadence (seed 003: 5 min). */
  healthCheckIntervalMs: number;
  /** While on the backup, the primary is probed this often (seed 003: 10 min). */
  primaryProbeIntervalMs: number;
  /** Connectivity check timeout (seed 003: 30 s). */
  connectivityTimeoutMs: number;
  /** Consecutive failed primary checks before failover (seed 003: 3). */
  failoverAfterFailures: number;
  /** Health cycles before the monitor continues as new. */
  healthCyclesPerRun: number;
  /** Wait for an operator's decision before paging PagerDuty. */
  manualDecisionTimeoutMs: number;
  /** After paging, keep waiting up to this total before aborting. */
  manualAbortAfterMs: number;
  /** Bound on one Parquet/S3 inspection or quality activity. */
  inspectionTimeoutMs: number;
  /** A data-moving activity that has not heartbeaten for this long (its worker died) is retried elsewhere. */
  syncHeartbeatTimeoutMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_TIMINGS: Readonly<Timings> = Object.freeze({
  retryBackoffMs: [5 * MINUTE, 10 * MINUTE, 20 * MINUTE],
  retryJitterMs: MINUTE,
  backupSyncTimeoutMs: 2 * HOUR,
  backupSyncPollMs: 2 * MINUTE,
  acodeSyncTimeoutMs: 2 * HOUR,
  acodeSyncPollMs: MINUTE,
  radarJobTimeoutMs: HOUR,
  radarJobPollMs: MINUTE,
  radarRetries: 2,
  radarRetryDelayMs: 15 * MINUTE,
  radarParallelism: 4,
  longRunAlertMs: 90 * MINUTE,
  volumeChangeRatio: 0.2,
  healthCheckIntervalMs: 5 * MINUTE,
  primaryProbeIntervalMs: 10 * MINUTE,
  connectivityTimeoutMs: 30_000,
  failoverAfterFailures: 3,
  healthCyclesPerRun: 100,
  manualDecisionTimeoutMs: 30 * MINUTE,
  manualAbortAfterMs: 4 * HOUR,
  inspectionTimeoutMs: 10 * MINUTE,
  syncHeartbeatTimeoutMs: 5 * MINUTE,
});

/** Fields that are counts or ratios, not durations. */
const COUNT_FIELDS = new Set<keyof Timings>(['radarRetries', 'radarParallelism', 'failoverAfterFailures', 'healthCyclesPerRun']);
const RATIO_FIELDS = new Set<keyof Timings>(['volumeChangeRatio']);
/** Counts that must be at least 1. */
const POSITIVE_COUNTS = new Set<keyof Timings>(['radarParallelism', 'failoverAfterFailures', 'healthCyclesPerRun']);

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: 24 * HOUR };

/** A duration given as milliseconds (number) or a string like '90s', '5m', '2h'. Throws a one-line error naming the field. */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${field}: expected a non-negative number of milliseconds, got ${value}`);
    return value;
  }
  if (typeof value === 'string') {
    const match = DURATION_RE.exec(value.trim());
    if (match) return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
  }
  throw new Error(`${field}: expected milliseconds or a duration like '30s', '5m', '2h', got ${JSON.stringify(value)}`);
}

/** Merges overrides over the defaults, validating each field. Unknown fields are refused so typos do not pass silently. */
export function resolveTimings(overrides: unknown, where = 'timings'): Timings {
  if (overrides === undefined || overrides === null) return { ...DEFAULT_TIMINGS, retryBackoffMs: [...DEFAULT_TIMINGS.retryBackoffMs] };
  if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new Error(`${where}: expected an object`);
  const result: Timings = { ...DEFAULT_TIMINGS, retryBackoffMs: [...DEFAULT_TIMINGS.retryBackoffMs] };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const field = `${where}.${key}`;
    if (!(key in DEFAULT_TIMINGS)) throw new Error(`${field}: unknown timing (known: ${Object.keys(DEFAULT_TIMINGS).join(', ')})`);
    const name = key as keyof Timings;
    if (name === 'retryBackoffMs') {
      if (!Array.isArray(value) || value.length === 0) throw new Error(`${field}: expected a non-empty list of durations`);
      result.retryBackoffMs = value.map((v, i) => parseDuration(v, `${field}[${i}]`));
    } else if (COUNT_FIELDS.has(name)) {
      const min = POSITIVE_COUNTS.has(name) ? 1 : 0;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        throw new Error(`${field}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
      }
      (result[name] as number) = value;
    } else if (RATIO_FIELDS.has(name)) {
      if (typeof value !== 'number' || !(value > 0)) throw new Error(`${field}: expected a positive ratio, got ${JSON.stringify(value)}`);
      (result[name] as number) = value;
    } else {
      (result[name] as number) = parseDuration(value, field);
    }
  }
  if (result.manualAbortAfterMs < result.manualDecisionTimeoutMs) {
    throw new Error(`${where}.manualAbortAfterMs: must be at least manualDecisionTimeoutMs`);
  }
  return result;
}
