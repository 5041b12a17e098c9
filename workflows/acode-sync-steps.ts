/**
 * The steps of an ACODE sync, shared by the daily sync and recovery: check the
 * source answers, move the streams (direct engine or Airbyte), and check the
 * partition that landed against the source.
 */
import { patched } from '@temporalio/workflow';
import { AIRBYTE_CONNECTIONS, SOURCE_BUCKET, type SourceRole, type SyncEngine } from '../config/pipelines';
import type { QualityReport, TableSyncResult } from '../activities/types';
import type { ActivityProxies } from './activity-options';
import type { Timings } from './timings';
import { failureOf } from './failure-classification';
import { PATCHES } from './patches';
import { allOrCancelled, planTables, syncPlannedTable } from './table-sync';

export interface StreamSummary {
  stream: string;
  rows: number;
  files: number;
  bytes: number;
  durationMs: number;
  qualityScore: number | null;
  location: string;
  /** The consistent bound the stream was read against, e.g. `idpk <= 300200`. */
  bound?: string;
}

/** `idpk <= 300200` (an empty table: `idpk: empty`). */
export function boundText(bound: { key: string; high: string | null }): string {
  return bound.high === null ? `${bound.key}: empty` : `${bound.key} <= ${bound.high}`;
}


/** Sync bound and polling for a source: a backup sync gets the seed's 2 h / 2 min. */
export function syncBounds(source: SourceRole, t: Timings): { timeoutMs: number; pollMs: number } {
  return source === 'backup'
    ? { timeoutMs: t.backupSyncTimeoutMs, pollMs: t.backupSyncPollMs }
    : { timeoutMs: t.acodeSyncTimeoutMs, pollMs: t.acodeSyncPollMs };
}

/** Fails with the source's failure type when it does not answer. */
export async function requireSourceReachable(proxies: ActivityProxies, source: SourceRole, t: Timings): Promise<number> {
  const probe = await proxies.probe.checkSourceConnectivity({ system: 'acode', role: source, timeoutMs: t.connectivityTimeoutMs });
  if (!probe.ok) {
    throw failureOf(probe.failureType ?? 'unknown', `acode/${source} did not answer the health check: ${probe.error ?? 'no detail'}`);
  }
  return probe.latencyMs;
}

export interface LandedStream {
  stream: string;
  /** Known when the direct engine wrote it; Airbyte's job reports totals only. */
  result?: TableSyncResult;
  durationMs: number;
}

/** Direct engine: each stream MySQL → Parquet → S3, all streams at once (a big one in key slices, workflows/table-sync.ts). */
export async function syncStreamsDirect(
  proxies: ActivityProxies,
  streams: string[],
  source: SourceRole,
  date: string,
  t: Timings,
): Promise<LandedStream[]> {
  const { timeoutMs } = syncBounds(source, t);
  const sync = proxies.sync(timeoutMs);
  const base = { system: 'acode' as const, role: source, date, bucket: SOURCE_BUCKET[source] };
  const plans = await planTables(proxies.quick, base, streams);
  return allOrCancelled(streams, async (stream) => {
    const result = await syncPlannedTable(sync, proxies.quick, { ...base, stream }, plans.get(stream));
    return { stream, result, durationMs: result.durationMs };
  });
}

/** Airbyte engine: trigger the connection of the source's role and wait for its job with a bound. */
export async function syncStreamsAirbyte(
  proxies: ActivityProxies,
  streams: string[],
  source: SourceRole,
  t: Timings,
): Promise<LandedStream[]> {
  const connectionName = AIRBYTE_CONNECTIONS.acode[source];
  if (!connectionName) throw failureOf('unknown', `no Airbyte connection for acode/${source}`);
  const { timeoutMs, pollMs } = syncBounds(source, t);
  const started = Date.now();
  const { jobId } = await proxies.quick.triggerAirbyteSync({ connectionName });
  const job = await proxies.airbyteWait(timeoutMs, pollMs).waitForAirbyteJob({ jobId, pollIntervalMs: pollMs, timeoutMs });
  if (job.status !== 'succeeded') {
    throw failureOf('airbyte_failure', `Airbyte job ${jobId} of ${connectionName} ended ${job.status}`);
  }
  const durationMs = Date.now() - started;
  return streams.map((stream) => ({ stream, durationMs }));
}

export interface PartitionCheck {
  streams: StreamSummary[];
  quality: QualityReport;
}

/**
 * Checks what landed: every partition complete (`_SUCCESS`), its rows equal to
 * the source's, then the quality gates. A mismatch is data corruption. A
 * stream read against a consistent bound is checked against the rows it read
 * of that bound (rows inserted since are tomorrow's, not a corruption); other
 * streams (the Airbyte engine, tables without an integer key) against a count
 * of the table now.
 */
export async function validateLandedStreams(
  proxies: ActivityProxies,
  landed: LandedStream[],
  source: SourceRole,
  date: string,
): Promise<PartitionCheck> {
  const bucket = SOURCE_BUCKET[source];
  const sourceRowCounts: Record<string, number> = {};
  const measured = await Promise.all(
    landed.map(async ({ stream, result, durationMs }) => {
      const ref = { bucket, system: 'acode' as const, stream, date };
      const listing = await proxies.quick.listPartition(ref);
      if (!listing.complete || listing.files.length === 0) {
        throw failureOf('data_corruption', `partition ${bucket}:${stream}/${date} is incomplete (${listing.files.length} files, no _SUCCESS marker)`);
      }
      const bounded = result?.bound !== undefined && patched(PATCHES.consistentBound);
      const [inspection, sourceRows] = await Promise.all([
        proxies.inspect.inspectPartition(ref),
        bounded ? result!.rows : proxies.quick.countSourceRows({ system: 'acode', role: source, table: stream }),
      ]);
      if (inspection.rows !== sourceRows) {
        const of = bounded ? `the ${sourceRows} rows read of ${boundText(result!.bound!)}` : `the source ${sourceRows}`;
        throw failureOf('data_corruption', `partition ${bucket}:${stream}/${date} holds ${inspection.rows} rows, ${of}`);
      }
      sourceRowCounts[stream] = sourceRows;
      const dataFiles = listing.files.filter((f) => f.key.endsWith('.parquet'));
      return {
        stream,
        rows: inspection.rows,
        files: result?.files ?? dataFiles.length,
        bytes: result?.bytes ?? listing.totalBytes,
        durationMs,
        location: result?.location ?? listing.location,
        ...(result?.bound ? { bound: boundText(result.bound) } : {}),
      };
    }),
  );
  const quality = await proxies.inspect.runQualityGates({ bucket, system: 'acode', date, sourceRowCounts });
  if (!quality.passed) {
    const failed = quality.checks.filter((c) => !c.passed).map((c) => c.name);
    throw failureOf('data_corruption', `quality gates failed for acode ${date} (score ${quality.score}): ${failed.join(', ')}`);
  }
  return { streams: measured.map((m) => ({ ...m, qualityScore: quality.score })), quality };
}

export function engineLabel(engine: SyncEngine): string {
  return engine === 'airbyte' ? 'Airbyte' : 'direct engine';
}
