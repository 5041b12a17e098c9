/**
 * Prometheus metrics of the worker on METRICS_PORT (`GET /metrics`): ours,
 * through prom-client, followed by the Temporal runtime's own (task slots,
 * poll latencies, workflow completions…), which the runtime serves on a
 * private address of its own and this endpoint fetches on each scrape.
 *
 * Ours are fed by the activity and workflow interceptors
 * (activity-metrics-interceptor.ts, workflow-metrics-interceptor.ts), so the
 * activities themselves stay unaware of metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InjectedSinks } from '@temporalio/worker';
import { isFailureType } from '../config/failures';
import { AIRBYTE_CONNECTIONS } from '../config/pipelines';
import type { IngestionMetricsSinks } from './workflow-metrics-interceptor';

export interface IngestionMetrics {
  registry: Registry;
  syncRows: Counter<'system' | 'role' | 'stream'>;
  syncBytes: Counter<'system' | 'role' | 'stream'>;
  syncDuration: Histogram<'system' | 'role' | 'stream'>;
  syncFailures: Counter<'system' | 'role' | 'stream' | 'failure_type'>;
  qualityScore: Gauge<'system' | 'bucket'>;
  qualityPassed: Gauge<'system' | 'bucket'>;
  replicationLag: Gauge<'system'>;
  replicationRunning: Gauge<'system'>;
  freshnessLag: Gauge<'system' | 'role' | 'table'>;
  failovers: Counter<'connection'>;
  recoveriesStarted: Counter<'system' | 'failure_type'>;
  activityFailures: Counter<'activity' | 'failure_type'>;
}

export function createIngestionMetrics(options: { processMetrics?: boolean } = {}): IngestionMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'ingestion_' });
  const registers = [registry];
  const stream = ['system', 'role', 'stream'] as const;
  return {
    registry,
    syncRows: new Counter({ name: 'ingestion_sync_rows_total', help: 'Rows written to S3 by syncTableToS3', labelNames: stream, registers }),
    syncBytes: new Counter({ name: 'ingestion_sync_bytes_total', help: 'Parquet bytes written to S3 by syncTableToS3', labelNames: stream, registers }),
    syncDuration: new Histogram({
      name: 'ingestion_sync_duration_seconds',
      help: 'Duration of one stream sync (syncTableToS3)',
      labelNames: stream,
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 10800],
      registers,
    }),
    syncFailures: new Counter({
      name: 'ingestion_sync_failures_total',
      help: 'Failed syncTableToS3 attempts, by failure type',
      labelNames: [...stream, 'failure_type'],
      registers,
    }),
    qualityScore: new Gauge({ name: 'ingestion_quality_score', help: 'Last quality score (0..100) of a landed partition set', labelNames: ['system', 'bucket'], registers }),
    qualityPassed: new Gauge({ name: 'ingestion_quality_passed', help: '1 when the last quality gates passed, 0 otherwise', labelNames: ['system', 'bucket'], registers }),
    replicationLag: new Gauge({ name: 'ingestion_replication_lag_seconds', help: 'Seconds_Behind_Master of the backup replica (-1 when replication is stopped)', labelNames: ['system'], registers }),
    replicationRunning: new Gauge({ name: 'ingestion_replication_running', help: '1 when both replica threads run', labelNames: ['system'], registers }),
    freshnessLag: new Gauge({ name: 'ingestion_freshness_lag_seconds', help: 'Age of the newest row of a source table (-1 when empty)', labelNames: ['system', 'role', 'table'], registers }),
    failovers: new Counter({ name: 'ingestion_failovers_total', help: 'Backup connections switched on (failovers to the backup source)', labelNames: ['connection'], registers }),
    recoveriesStarted: new Counter({ name: 'ingestion_recoveries_started_total', help: 'Recovery workflows started, by failure type', labelNames: ['system', 'failure_type'], registers }),
    activityFailures: new Counter({ name: 'ingestion_activity_failures_total', help: 'Failed activity attempts, by activity and failure type', labelNames: ['activity', 'failure_type'], registers }),
  };
}

/** The worker side of the workflow interceptor's sink; label values outside the known sets become 'invalid'. */
export function ingestionMetricsSinks(metrics: IngestionMetrics): InjectedSinks<IngestionMetricsSinks> {
  return {
    ingestionMetrics: {
      recoveryStarted: {
        fn(_info, system, failureType) {
          metrics.recoveriesStarted.inc({
            system: Object.hasOwn(AIRBYTE_CONNECTIONS, system) ? system : 'invalid',
            failure_type: isFailureType(failureType) ? failureType : 'invalid',
          });
        },
        callDuringReplay: false,
      },
    },
  };
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

async function runtimeMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : `# temporal runtime metrics unavailable: HTTP ${res.status}\n`;
  } catch (err) {
    return `# temporal runtime metrics unavailable: ${(err as Error).message.split('\n')[0]}\n`;
  }
}

/**
 * Serves `GET /metrics` on host:port (port 0: a free one). `runtimeMetricsUrl` is the
 * Temporal runtime's own Prometheus endpoint, appended to ours.
 */
export async function startMetricsServer(options: {
  metrics: IngestionMetrics;
  port: number;
  host?: string;
  runtimeMetricsUrl?: string;
}): Promise<MetricsServer> {
  const { registry } = options.metrics;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/healthz')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics or /healthz\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    Promise.all([registry.metrics(), runtimeMetrics(options.runtimeMetricsUrl)]).then(
      ([ours, runtime]) => res.writeHead(200, { 'content-type': registry.contentType }).end(`${ours}\n${runtime}`),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  const host = options.host ?? '0.0.0.0';
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics: cannot listen on ${host}:${options.port}: ${err.message}`)));
    server.listen(options.port, host, () => resolve(server.address() as AddressInfo));
  });
  return {
    port: address.port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free local port for the Temporal runtime's Prometheus exporter (bound by the runtime right after). */
export async function freeLocalPort(): Promise<number> {
  const probe = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port));
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
