/** Metrics recorded from activity results, served on /metrics with the runtime's own metrics appended. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { recordActivityFailure, recordActivityResult } from '../../worker/activity-metrics-interceptor';
import { createIngestionMetrics, startMetricsServer } from '../../worker/metrics';

describe('metrics from activity results', () => {
  it('maps sync, quality, lag, freshness and failover results to their series', async () => {
    const m = createIngestionMetrics({ processMetrics: false });
    const sync = { system: 'acode', role: 'primary', stream: 'farmarcas_si_analitico_diario', date: '2024-05-01', bucket: 'bronze' };
    recordActivityResult(m, 'syncTableToS3', sync, { stream: sync.stream, rows: 1200, files: 2, bytes: 34567, durationMs: 2500, location: 's3://b/p/' });
    recordActivityResult(m, 'syncTableToS3', sync, { stream: sync.stream, rows: 300, files: 1, bytes: 433, durationMs: 500, location: 's3://b/p/' });
    recordActivityResult(m, 'runQualityGates', { bucket: 'bronze', system: 'acode' }, { system: 'acode', date: '2024-05-01', score: 97.5, passed: true, checks: [] });
    recordActivityResult(m, 'measureReplicationLag', { system: 'acode' }, { ioRunning: true, sqlRunning: false, lagSeconds: null, level: 'critical' });
    recordActivityResult(m, 'measureFreshness', { system: 'acode', role: 'primary', table: 't', column: 'c' }, { latest: null, lagSeconds: 7200, level: 'ok' });
    recordActivityResult(m, 'setConnectionStatus', { connectionName: 'connection_mysql_s3_acode_backup', status: 'active' }, undefined);
    recordActivityResult(m, 'setConnectionStatus', { connectionName: 'connection_mysql_s3_acode', status: 'active' }, undefined);
    recordActivityFailure(m, 'syncTableToS3', sync, ApplicationFailure.create({ type: 'primary_db_down', message: 'down' }));
    const text = await m.registry.metrics();
    const labels = 'system="acode",role="primary",stream="farmarcas_si_analitico_diario"';
    expect(text).toContain(`ingestion_sync_rows_total{${labels}} 1500`);
    expect(text).toContain(`ingestion_sync_bytes_total{${labels}} 35000`);
    expect(text).toContain(`ingestion_sync_duration_seconds_sum{${labels}} 3`);
    expect(text).toContain(`ingestion_sync_duration_seconds_count{${labels}} 2`);
    expect(text).toContain('ingestion_quality_score{system="acode",bucket="bronze"} 97.5');
    expect(text).toContain('ingestion_replication_lag_seconds{system="acode"} -1');
    expect(text).toContain('ingestion_replication_running{system="acode"} 0');
    expect(text).toContain('ingestion_freshness_lag_seconds{system="acode",role="primary",table="t"} 7200');
    expect(text).toContain('ingestion_failovers_total{connection="connection_mysql_s3_acode_backup"} 1');
    expect(text).not.toContain('ingestion_failovers_total{connection="connection_mysql_s3_acode"}');
    expect(text).toContain(`ingestion_sync_failures_total{${labels},failure_type="primary_db_down"} 1`);
  });
});

describe('metrics endpoint', () => {
  it('serves ours followed by the runtime exporter, and says so when the runtime is unreachable', async () => {
    const runtime = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('temporal_worker_task_slots_available{a="b"} 5\n'));
    const runtimePort = await new Promise<number>((r) => runtime.listen(0, '127.0.0.1', () => r((runtime.address() as AddressInfo).port)));
    const metrics = createIngestionMetrics();
    metrics.failovers.inc({ connection: 'connection_mysql_s3_acode_backup' });
    const server = await startMetricsServer({ metrics, port: 0, host: '127.0.0.1', runtimeMetricsUrl: `http://127.0.0.1:${runtimePort}/metrics` });
    try {
      const body = await (await fetch(server.url)).text();
      expect(body).toContain('ingestion_failovers_total{connection="connection_mysql_s3_acode_backup"} 1');
      expect(body).toContain('ingestion_process_cpu_user_seconds_total');
      expect(body).toContain('temporal_worker_task_slots_available{a="b"} 5');
      expect((await fetch(server.url.replace('/metrics', '/nope'))).status).toBe(404);
      runtime.closeAllConnections();
      await new Promise((r) => runtime.close(r));
      const without = await (await fetch(server.url)).text();
      expect(without).toContain('# temporal runtime metrics unavailable');
      expect(without).toContain('ingestion_failovers_total');
    } finally {
      await server.close();
    }
  });
});
