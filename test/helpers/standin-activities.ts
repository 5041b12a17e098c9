/**
 * Stand-in activities: a plain in-memory implementation of every activity of the
 * `Activities` contract (activities/types.ts), healthy by default, scripted per
 * test, recording every call. Workflows run on them exactly as on the real ones,
 * so a workflow change is checked in seconds, without MySQL, S3 or Airbyte.
 *
 *   const standins = standinActivities({
 *     overrides: {
 *       syncTableToS3: (input, call) => {
 *         if (input.stream === 'vouchers') throw failure('connection_timeout', 'vouchers: read timed out');
 *         return healthy.syncTableToS3(input);
 *       },
 *     },
 *   });
 *
 * An override gets the activity's input and the call being made (workflow id,
 * type, run id and attempt of the calling workflow, and `nth`: how many calls
 * of this activity that workflow id made so far, this one included).
 * `healthy` holds the defaults, for overrides that only change some calls.
 *
 * Standins:
 *   activities            what the worker registers
 *   calls                 every call in the order made: { seq, name, input, workflowId, workflowType, runId, attempt,
 *                         scheduledAt, nth, done, error? }
 *   callsOf(name, where?) the calls of one activity, optionally filtered
 *   alerts(where?)        the alerts sent (sendAlert inputs), optionally filtered by the call
 *   hold(name, match?)    holds the next matching call before it runs: { reached, release() }. While it is
 *                         held the activity is in flight, so the time-skipping clock does not jump.
 *   releaseAll()          lets every held call go (test teardown)
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ACODE_STREAMS, BUCKETS, RADAR_CRITICAL_TABLES, partitionFileName, partitionPrefix, quarantinePrefix } from '../../config/pipelines';
import type { Activities, Alert, TableSyncResult } from '../../activities/types';
import { syncTableBatch } from '../../activities/engine/table-batch';

export type ActivityName = keyof Activities;
type InputOf<K extends ActivityName> = Parameters<Activities[K]>[0];
type OutputOf<K extends ActivityName> = Awaited<ReturnType<Activities[K]>>;

export interface StandinCall {
  seq: number;
  name: ActivityName;
  input: any;
  workflowId: string;
  workflowType: string;
  runId: string;
  attempt: number;
  /** When this attempt was scheduled, on the service clock (ms since the epoch). */
  scheduledAt: number;
  /** 1-based count of calls of this activity by this workflow id, this one included. */
  nth: number;
  done: boolean;
  /** The failure's type (or message) when the call threw. */
  error?: string;
  /** A table synced inside a syncTablesToS3 batch (recorded as a syncTableToS3 call of its own). */
  inBatch?: boolean;
}

export type Override<K extends ActivityName> = (input: InputOf<K>, call: StandinCall) => OutputOf<K> | Promise<OutputOf<K>>;
export type Overrides = { [K in ActivityName]?: Override<K> };

export interface Hold {
  reached: Promise<StandinCall>;
  release(): void;
}

export interface Standins {
  activities: Activities;
  calls: StandinCall[];
  callsOf(name: ActivityName, where?: (call: StandinCall) => boolean): StandinCall[];
  alerts(where?: (call: StandinCall) => boolean): Alert[];
  hold(name: ActivityName, match?: (input: any, call: StandinCall) => boolean): Hold;
  releaseAll(): void;
}

/** The Radar tables the stand-in source lists: the four critical ones first, then three others (login is the sensitive one). */
export const STANDIN_RADAR_TABLES = [...RADAR_CRITICAL_TABLES, 'store_metrics', 'login', 'vouchers'];
export const ACODE_STREAM_NAMES = ACODE_STREAMS.map((s) => s.name);
/** Rows every stand-in table holds, at the source and in what is written. */
export const STANDIN_ROWS = 100;
/** Bytes of every stand-in partition. */
export const STANDIN_BYTES = 1000;
/** The fixed instant stand-in freshness reports as the latest Data_Processamento. */
export const STANDIN_LATEST = '2026-01-01T01:00:00.000Z';

/** The contract's failure builder (retryability from its RETRYABLE table), as every real activity throws. */
export { failure } from '../../config/failures';

const bucketName = (bucket: keyof typeof BUCKETS) => BUCKETS[bucket];

/** The healthy answer of every activity. */
export const healthy: Activities = {
  async checkSourceConnectivity() {
    return { ok: true, latencyMs: 4 };
  },
  async measurePartitionBytes(input) {
    const perStream = Object.fromEntries(input.streams.map((s) => [s, STANDIN_BYTES]));
    return { totalBytes: STANDIN_BYTES * input.streams.length, perStream };
  },
  async checkLakeStorage() {
    return { ok: true, latencyMs: 2 };
  },
  async measureFreshness() {
    return { latest: STANDIN_LATEST, lagSeconds: 60, level: 'ok' };
  },
  async countSourceRows() {
    return STANDIN_ROWS;
  },
  async measureReplicationLag() {
    return { ioRunning: true, sqlRunning: true, lagSeconds: 0, level: 'ok' };
  },
  async discoverSourceSchema() {
    return [{ name: 'idpk', dataType: 'bigint', nullable: false }];
  },
  async listSourceTables({ system }) {
    return system === 'acode' ? [...ACODE_STREAM_NAMES] : [...STANDIN_RADAR_TABLES];
  },
  async syncTablesToS3(input) {
    return syncTableBatch(input, (table) => healthy.syncTableToS3(table));
  },
  async syncTableToS3({ system, stream, date, bucket }) {
    return {
      stream,
      rows: STANDIN_ROWS,
      files: 1,
      bytes: STANDIN_BYTES,
      durationMs: 25,
      location: `s3://${bucketName(bucket)}/${partitionPrefix(system, stream, date)}`,
    };
  },
  async planTableSync({ streams }) {
    return streams.map((stream) => ({ stream, slices: [] }));
  },
  async finishTableSync() {
    throw new Error('stand-in: no table is planned in slices');
  },
  async listPartition({ bucket, system, stream, date }) {
    const prefix = partitionPrefix(system, stream, date);
    const lastModified = `${date}T02:10:00.000Z`;
    return {
      location: `s3://${bucketName(bucket)}/${prefix}`,
      files: [
        { key: `${prefix}${partitionFileName(system, stream, 0)}`, size: STANDIN_BYTES, lastModified },
        { key: `${prefix}_SUCCESS`, size: 0, lastModified },
      ],
      totalBytes: STANDIN_BYTES,
      complete: true,
    };
  },
  async findRecentFiles() {
    return 3;
  },
  async quarantinePartition({ system, stream, date }) {
    return { moved: 2, location: `s3://${BUCKETS.quarantine}/${quarantinePrefix(system, date)}${stream}/` };
  },
  async inspectPartition() {
    return { rows: STANDIN_ROWS, files: 1, schema: [{ name: 'idpk', type: 'INT64' }], columns: { idpk: { nulls: 0, min: 1, max: STANDIN_ROWS } } };
  },
  async runQualityGates({ system, date }) {
    return { system, date, score: 100, passed: true, checks: [{ name: 'row_count', passed: true, detail: 'matches the source', level: 'ok' }] };
  },
  async reconcilePartition({ system, stream, date }) {
    return { stream, gapsFound: 0, recordsReconciled: 0, duplicatesRemoved: 0, score: 100, location: `s3://${BUCKETS.bronze}/origin=reconciled/${system}/${stream}/${date}/` };
  },
  async triggerAirbyteSync() {
    return { jobId: 1 };
  },
  async waitForAirbyteJob({ jobId }) {
    return { jobId, status: 'succeeded', rowsSynced: STANDIN_ROWS, bytesSynced: STANDIN_BYTES };
  },
  async cancelAirbyteJob() {},
  async setConnectionStatus() {},
  async getConnectionStatus() {
    return 'active';
  },
  async checkAirbyteHealth() {
    return { available: true };
  },
  async sendAlert(alert) {
    return { slackChannel: alert.severity === 'INFO' || alert.severity === 'WARNING' ? 'data-engineering' : 'alerts', pagerDuty: alert.severity === 'CRITICAL' };
  },
};

export const ACTIVITY_NAMES = Object.keys(healthy) as ActivityName[];

interface PendingHold {
  name: ActivityName;
  match?: (input: any, call: StandinCall) => boolean;
  reach: (call: StandinCall) => void;
  released: Promise<void>;
  release: () => void;
}

function callingWorkflow(): Pick<StandinCall, 'workflowId' | 'workflowType' | 'runId' | 'attempt' | 'scheduledAt'> {
  const info = Context.current().info;
  return {
    workflowId: info.workflowExecution?.workflowId ?? '',
    runId: info.workflowExecution?.runId ?? '',
    workflowType: info.workflowType ?? '',
    attempt: info.attempt,
    scheduledAt: info.currentAttemptScheduledTimestampMs,
  };
}

export function standinActivities(options: { overrides?: Overrides } = {}): Standins {
  const overrides = options.overrides ?? {};
  const calls: StandinCall[] = [];
  const holds: PendingHold[] = [];
  const allHolds: PendingHold[] = [];

  const activities = {} as Record<ActivityName, (input: unknown) => Promise<unknown>>;
  const invoke = async (name: ActivityName, input: unknown, inBatch = false): Promise<unknown> => {
    const caller = callingWorkflow();
    const nth = calls.filter((c) => c.name === name && c.workflowId === caller.workflowId).length + 1;
    const call: StandinCall = { seq: calls.length + 1, name, input, ...caller, nth, done: false, ...(inBatch ? { inBatch } : {}) };
    calls.push(call);
    const i = holds.findIndex((h) => h.name === name && (!h.match || h.match(input, call)));
    if (i >= 0) {
      const [hold] = holds.splice(i, 1);
      hold.reach(call);
      await hold.released;
    }
    try {
      const run = (overrides[name] ?? composed[name] ?? healthy[name]) as (input: unknown, call: StandinCall) => unknown;
      return await run(input, call);
    } catch (err) {
      call.error = err instanceof ApplicationFailure && err.type ? err.type : err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      call.done = true;
    }
  };
  // a batch syncs each table as the syncTableToS3 stand-in does (its override and holds included), each recorded as a call
  const composed: Overrides = {
    syncTablesToS3: (input) => syncTableBatch(input, (table) => invoke('syncTableToS3', table, true) as Promise<TableSyncResult>),
  };
  for (const name of ACTIVITY_NAMES) activities[name] = (input: unknown) => invoke(name, input);

  return {
    activities: activities as unknown as Activities,
    calls,
    callsOf: (name, where) => calls.filter((c) => c.name === name && (!where || where(c))),
    alerts: (where) => calls.filter((c) => c.name === 'sendAlert' && (!where || where(c))).map((c) => c.input as Alert),
    hold(name, match) {
      let reach!: (call: StandinCall) => void;
      let release!: () => void;
      const reached = new Promise<StandinCall>((resolve) => (reach = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const pending: PendingHold = { name, match, reach, released, release };
      holds.push(pending);
      allHolds.push(pending);
      return { reached, release };
    },
    releaseAll() {
      for (const h of allHolds) h.release();
    },
  };
}
