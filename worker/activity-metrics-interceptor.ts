/**
 * Records the service's metrics from what activities return, without the
 * activities knowing: an ActivityInboundCallsInterceptor that looks at the
 * input and result (or failure) of each attempt.
 *
 *   syncTableToS3          rows, bytes and duration per system/role/stream; failures by type
 *   runQualityGates        quality score and pass flag per system/bucket
 *   measureReplicationLag  replication lag and running flag per system
 *   measureFreshness       freshness lag per system/role/table
 *   setConnectionStatus    a backup connection switched on counts as a failover
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors } from '@temporalio/worker';
import { AIRBYTE_CONNECTIONS } from '../config/pipelines';
import type { FreshnessResult, QualityReport, ReplicationLagResult, TableSyncInput, TableSyncResult } from '../activities/types';
import type { IngestionMetrics } from './metrics';

const BACKUP_CONNECTIONS = new Set(
  Object.values(AIRBYTE_CONNECTIONS)
    .map((c) => c.backup)
    .filter((name): name is string => Boolean(name)),
);

type Input = Record<string, unknown> | undefined;
const text = (v: unknown, fallback = 'unknown') => (typeof v === 'string' && v ? v : fallback);

/** The failure type of an error thrown by an activity: ApplicationFailure.type, else the error's name. */
export function failureTypeOf(err: unknown): string {
  const e = err as { type?: unknown; name?: unknown } | null;
  return text(e?.type, text(e?.name, 'unknown'));
}

function streamLabels(input: Input) {
  const i = (input ?? {}) as Partial<TableSyncInput>;
  return { system: text(i.system), role: text(i.role), stream: text(i.stream) };
}

/** Records one successful attempt of `activityType`. Exposed for tests of the mapping alone. */
export function recordActivityResult(metrics: IngestionMetrics, activityType: string, input: Input, result: unknown): void {
  switch (activityType) {
    case 'syncTableToS3': {
      const r = result as TableSyncResult;
      const labels = streamLabels(input);
      metrics.syncRows.inc(labels, r.rows);
      metrics.syncBytes.inc(labels, r.bytes);
      metrics.syncDuration.observe(labels, r.durationMs / 1000);
      break;
    }
    case 'runQualityGates': {
      const r = result as QualityReport;
      const labels = { system: text(r.system ?? input?.system), bucket: text(input?.bucket) };
      metrics.qualityScore.set(labels, r.score);
      metrics.qualityPassed.set(labels, r.passed ? 1 : 0);
      break;
    }
    case 'measureReplicationLag': {
      const r = result as ReplicationLagResult;
      const labels = { system: text(input?.system) };
      metrics.replicationLag.set(labels, r.lagSeconds ?? -1);
      metrics.replicationRunning.set(labels, r.ioRunning && r.sqlRunning ? 1 : 0);
      break;
    }
    case 'measureFreshness': {
      const r = result as FreshnessResult;
      metrics.freshnessLag.set({ system: text(input?.system), role: text(input?.role), table: text(input?.table) }, r.lagSeconds ?? -1);
      break;
    }
    case 'setConnectionStatus': {
      const name = text(input?.connectionName);
      if (input?.status === 'active' && BACKUP_CONNECTIONS.has(name)) metrics.failovers.inc({ connection: name });
      break;
    }
    default:
  }
}

/** Records one failed attempt. */
export function recordActivityFailure(metrics: IngestionMetrics, activityType: string, input: Input, err: unknown): void {
  const failureType = failureTypeOf(err);
  metrics.activityFailures.inc({ activity: activityType, failure_type: failureType });
  if (activityType === 'syncTableToS3') metrics.syncFailures.inc({ ...streamLabels(input), failure_type: failureType });
}

class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: IngestionMetrics,
  ) {}

  async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
    const activityType = this.ctx.info.activityType;
    const first = input.args[0] as Input;
    try {
      const result = await next(input as never);
      try {
        recordActivityResult(this.metrics, activityType, first, result);
      } catch {
        // A result of an unexpected shape must never fail the activity: metrics are best effort.
      }
      return result;
    } catch (err) {
      recordActivityFailure(this.metrics, activityType, first, err);
      throw err;
    }
  }
}

/** For WorkerOptions.interceptors.activity. */
export function activityMetricsInterceptor(metrics: IngestionMetrics): (ctx: Context) => ActivityInterceptors {
  return (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx, metrics) });
}
