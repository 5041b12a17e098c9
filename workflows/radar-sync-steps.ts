/**
 * The steps of a Radar sync: sync each table (direct engine, radar-direct.ts:
 * bounded parallelism, 2 retries 15 min apart) or run the connection's Airbyte job
 * (bounded wait, 2 retries 15 min apart), then check each table's partition
 * (complete, and in the declared lake schema; the direct engine checks each
 * file before it uploads it).
 * A failing critical table stops the run; other tables only warn.
 */
import { patched, sleep } from '@temporalio/workflow';
import { PATCHES } from './patches';
import { planTables, syncPlannedTable } from './table-sync';
import { AIRBYTE_CONNECTIONS, RADAR_CRITICAL_TABLES, SENSITIVE_TABLES } from '../config/pipelines';
import type { FailureType } from '../config/failures';
import type { ActivityProxies } from './activity-options';
import { NON_RETRYABLE_TYPES } from '../config/failures';
import type { Timings } from './timings';
import { failureMessageOf, failureOf, failureTypeOf } from './failure-classification';

export interface RadarTableOutcome {
  table: string;
  critical: boolean;
  status: 'synced' | 'failed' | 'skipped';
  rows: number;
  files: number;
  bytes: number;
  durationMs: number;
  failureType?: FailureType;
  /** One line; withheld for sensitive tables (login), whose errors may quote row data. */
  error?: string;
}

export function isCriticalTable(table: string): boolean {
  return (RADAR_CRITICAL_TABLES as readonly string[]).includes(table);
}

export function isSensitiveTable(table: string): boolean {
  return (SENSITIVE_TABLES as readonly string[]).includes(table);
}

export function describeError(table: string, err: unknown): string {
  return isSensitiveTable(table) ? 'details withheld: sensitive table' : failureMessageOf(err);
}

/** Runs `work` over items with at most `limit` at once; stops taking new items once `stop()` says so. */
export async function forEachBounded<T>(items: readonly T[], limit: number, stop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stop()) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function emptyOutcome(table: string, status: RadarTableOutcome['status']): RadarTableOutcome {
  return { table, critical: isCriticalTable(table), status, rows: 0, files: 0, bytes: 0, durationMs: 0 };
}

/** Airbyte engine: one job for the connection, retried; then every table's partition is checked. */
export async function syncRadarTablesAirbyte(proxies: ActivityProxies, tables: string[], date: string, t: Timings): Promise<RadarTableOutcome[]> {
  const connectionName = AIRBYTE_CONNECTIONS.radar.primary as string;
  const started = Date.now();
  let lastError: unknown;
  for (let attempt = 0; attempt <= t.radarRetries; attempt++) {
    if (attempt > 0) await sleep(t.radarRetryDelayMs);
    try {
      const { jobId } = await proxies.quick.triggerAirbyteSync({ connectionName });
      const job = await proxies
        .airbyteWait(t.radarJobTimeoutMs, t.radarJobPollMs)
        .waitForAirbyteJob({ jobId, pollIntervalMs: t.radarJobPollMs, timeoutMs: t.radarJobTimeoutMs });
      if (job.status === 'succeeded') {
        lastError = undefined;
        break;
      }
      lastError = failureOf('airbyte_failure', `Airbyte job ${jobId} of ${connectionName} ended ${job.status}`);
    } catch (err) {
      lastError = err;
    }
  }
  if (lastError) throw failureOf(failureTypeOf(lastError), `Radar Airbyte sync failed after ${t.radarRetries} retries: ${failureMessageOf(lastError)}`);
  const durationMs = Date.now() - started;
  const outcomes: RadarTableOutcome[] = [];
  await forEachBounded(tables, t.radarParallelism, () => false, async (table) => {
    const outcome = emptyOutcome(table, 'synced');
    outcome.durationMs = durationMs;
    try {
      const listing = await proxies.quick.listPartition({ bucket: 'bronze', system: 'radar', stream: table, date });
      if (!listing.complete) throw failureOf('airbyte_failure', `table ${table}: partition ${date} has no _SUCCESS marker`);
      // the lake's schema gate: a file off the declared schema fails the table as schema_change
      if (patched(PATCHES.radarSchemaGate)) await proxies.inspect.inspectPartition({ bucket: 'bronze', system: 'radar', stream: table, date });
      outcome.files = listing.files.filter((f) => f.key.endsWith('.parquet')).length;
      outcome.bytes = listing.totalBytes;
    } catch (err) {
      Object.assign(outcome, { status: 'failed', failureType: failureTypeOf(err), error: describeError(table, err) });
    }
    outcomes.push(outcome);
  });
  return tables.map((table) => outcomes.find((o) => o.table === table) ?? emptyOutcome(table, 'skipped'));
}

/** Total bytes of the given tables' partitions of a date (for the day-over-day volume check): one activity (patch volume-in-one-activity). */
export async function measureVolume(proxies: ActivityProxies, tables: string[], date: string, parallelism: number): Promise<number> {
  if (patched(PATCHES.volumeInOneActivity)) {
    return tables.length === 0 ? 0 : (await proxies.quick.measurePartitionBytes({ bucket: 'bronze', system: 'radar', streams: tables, date })).totalBytes;
  }
  let total = 0;
  await forEachBounded(tables, parallelism, () => false, async (table) => {
    const listing = await proxies.quick.listPartition({ bucket: 'bronze', system: 'radar', stream: table, date });
    total += listing.totalBytes;
  });
  return total;
}
