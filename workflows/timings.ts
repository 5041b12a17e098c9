/**
 * Every timing and threshold the workflows use, with the seeds' values as
 * defaults. Each workflow input may carry `timings` overriding any of them, so
 * scenarios can run with short intervals. Every override is bounded
 * (TIMING_RULES: no duration above 24 h, no polling or check interval and no
 * timeout below 1 s) and looked up as an own property only, so names such as
 * `constructor` or `__proto__` are refused. The workflows, the CLI and the
 * alert intake resolve timings here alone. Pure: no Temporal, no Node APIs.
 */

export interface Timings {
  /** Waits before each primary re-test in retry_primary_with_delay (seed 003: 5, 10, 20 min). */
  retryBackoffMs: number[];
  /** Up to this much random jitter is added to each backoff wait (seed 003: 60 s). */
  retryJitterMs: number;
  /**
   * While the lake's storage is down (storage_unavailable), the recovery asks
   * it this often whether it answers, and re-runs the sync once it does, within
   * the backoff's total (5 + 10 + 20 min and their jitter). Not in the seeds:
   * their waits re-test a source; S3 coming back is seen by asking S3.
   */
  storageProbeIntervalMs: number;
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
  /** Radar tables (or batches of small tables) synced at once by the direct engine. */
  radarParallelism: number;
  /** Small Radar tables synced one after another by one activity (the direct engine). */
  radarTablesPerBatch: number;
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
  storageProbeIntervalMs: MINUTE,
  backupSyncTimeoutMs: 2 * HOUR,
  backupSyncPollMs: 2 * MINUTE,
  acodeSyncTimeoutMs: 2 * HOUR,
  acodeSyncPollMs: MINUTE,
  radarJobTimeoutMs: HOUR,
  radarJobPollMs: MINUTE,
  radarRetries: 2,
  radarRetryDelayMs: 15 * MINUTE,
  radarParallelism: 4,
  radarTablesPerBatch: 8,
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

/**
 * The bounds of each override. Durations are at most MAX_DURATION_MS (24 h);
 * polling and check intervals at least 1 s, timeouts at least 1 s; counts and
 * the ratio have their own ranges. A value outside is refused, never clamped.
 */
export const MAX_DURATION_MS = 24 * HOUR;
const MIN_INTERVAL_MS = 1000;
type Rule =
  | { kind: 'duration'; min: number }
  | { kind: 'durations'; min: number; maxItems: number }
  | { kind: 'count'; min: number; max: number }
  | { kind: 'ratio'; max: number };

const duration = (min = 0): Rule => ({ kind: 'duration', min });
const count = (min: number, max: number): Rule => ({ kind: 'count', min, max });

export const TIMING_RULES: Readonly<Record<keyof Timings, Rule>> = Object.freeze({
  retryBackoffMs: { kind: 'durations', min: 0, maxItems: 10 },
  retryJitterMs: duration(),
  storageProbeIntervalMs: duration(MIN_INTERVAL_MS),
  backupSyncTimeoutMs: duration(MIN_INTERVAL_MS),
  backupSyncPollMs: duration(MIN_INTERVAL_MS),
  acodeSyncTimeoutMs: duration(MIN_INTERVAL_MS),
  acodeSyncPollMs: duration(MIN_INTERVAL_MS),
  radarJobTimeoutMs: duration(MIN_INTERVAL_MS),
  radarJobPollMs: duration(MIN_INTERVAL_MS),
  radarRetries: count(0, 10),
  radarRetryDelayMs: duration(),
  radarParallelism: count(1, 32),
  radarTablesPerBatch: count(1, 100),
  longRunAlertMs: duration(),
  volumeChangeRatio: { kind: 'ratio', max: 100 },
  healthCheckIntervalMs: duration(MIN_INTERVAL_MS),
  primaryProbeIntervalMs: duration(MIN_INTERVAL_MS),
  connectivityTimeoutMs: duration(MIN_INTERVAL_MS),
  failoverAfterFailures: count(1, 100),
  healthCyclesPerRun: count(1, 1000),
  manualDecisionTimeoutMs: duration(),
  manualAbortAfterMs: duration(),
  inspectionTimeoutMs: duration(MIN_INTERVAL_MS),
  syncHeartbeatTimeoutMs: duration(MIN_INTERVAL_MS),
});

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
  throw new Error(`${field}: expected milliseconds or a duration like '30s', '5m', '2h', got ${JSON.stringify(value)?.slice(0, 80)}`);
}

function boundedDuration(value: unknown, field: string, min: number): number {
  const ms = parseDuration(value, field);
  if (ms < min) throw new Error(`${field}: at least ${min} ms, got ${ms}`);
  if (ms > MAX_DURATION_MS) throw new Error(`${field}: at most 24 h (${MAX_DURATION_MS} ms), got ${ms}`);
  return ms;
}

function checked(rule: Rule, value: unknown, field: string): number | number[] {
  switch (rule.kind) {
    case 'duration':
      return boundedDuration(value, field, rule.min);
    case 'durations':
      if (!Array.isArray(value) || value.length === 0 || value.length > rule.maxItems) {
        throw new Error(`${field}: expected a list of 1 to ${rule.maxItems} durations`);
      }
      return value.map((v, i) => boundedDuration(v, `${field}[${i}]`, rule.min));
    case 'count':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
        throw new Error(`${field}: expected an integer from ${rule.min} to ${rule.max}, got ${JSON.stringify(value)?.slice(0, 80)}`);
      }
      return value;
    case 'ratio':
      if (typeof value !== 'number' || !(value > 0) || value > rule.max) {
        throw new Error(`${field}: expected a ratio above 0 and at most ${rule.max}, got ${JSON.stringify(value)?.slice(0, 80)}`);
      }
      return value;
  }
}

/** Whether `key` names a timing: an own property of the defaults only (never toString, constructor, __proto__). */
export function isTimingName(key: string): key is keyof Timings {
  return Object.prototype.hasOwnProperty.call(TIMING_RULES, key);
}

/** Merges overrides over the defaults, validating each field. Unknown fields are refused so typos do not pass silently. */
export function resolveTimings(overrides: unknown, where = 'timings'): Timings {
  const result: Timings = { ...DEFAULT_TIMINGS, retryBackoffMs: [...DEFAULT_TIMINGS.retryBackoffMs] };
  if (overrides === undefined || overrides === null) return result;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new Error(`${where}: expected an object`);
  for (const key of Reflect.ownKeys(overrides)) {
    const name = String(key);
    const field = `${where}.${name.slice(0, 80)}`;
    if (typeof key !== 'string' || !isTimingName(key)) throw new Error(`${field}: unknown timing (known: ${Object.keys(DEFAULT_TIMINGS).join(', ')})`);
    (result as unknown as Record<string, unknown>)[key] = checked(TIMING_RULES[key], (overrides as Record<string, unknown>)[key], field);
  }
  if (result.manualAbortAfterMs < result.manualDecisionTimeoutMs) {
    throw new Error(`${where}.manualAbortAfterMs: must be at least manualDecisionTimeoutMs`);
  }
  return result;
}
