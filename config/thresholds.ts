/**
 * The health thresholds of seed 003, read both by the activities that measure
 * (activities/mysql) and by the pure rules that decide (workflows/policy.ts).
 * Pure data and pure functions.
 */

export type Level = 'ok' | 'warning' | 'critical';

export interface LevelThresholds {
  warnSeconds: number;
  criticalSeconds: number;
}

/** Age of MAX(Data_Processamento): warn at 12 h, critical at 24 h. */
export const FRESHNESS: Readonly<LevelThresholds> = { warnSeconds: 12 * 3600, criticalSeconds: 24 * 3600 };

/** Replica Seconds_Behind_Master: warn at 300 s, critical at 600 s. */
export const REPLICATION_LAG: Readonly<LevelThresholds> = { warnSeconds: 300, criticalSeconds: 600 };

/** Failover when more than 10 % of the last 24 primary checks failed (measured only once 24 exist). */
export const ERROR_RATE: Readonly<{ threshold: number; window: number }> = { threshold: 0.1, window: 24 };

/** The level of a measured age or lag; null (nothing to measure: no data, replication stopped) is critical. */
export function levelOf(seconds: number | null, t: LevelThresholds): Level {
  if (seconds === null) return 'critical';
  return seconds >= t.criticalSeconds ? 'critical' : seconds >= t.warnSeconds ? 'warning' : 'ok';
}
