/**
 * An in-memory stand-in for the outside systems, implementing the activity
 * contract, for driving workflow branches on the real local Temporal service:
 * sources that can be up or down, partitions the syncs "write", Airbyte
 * connection statuses, and every alert and call recorded.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Activities, Alert, PartitionRef } from '../../activities/types';
import type { FailureType } from '../../config/failures';
import { BUCKETS, partitionPrefix, type BucketRole, type SourceRole, type SystemName } from '../../config/pipelines';

export interface Call {
  name: keyof Activities;
  input: unknown;
}

export class ScriptedSystems {
  readonly up: Record<string, boolean> = { 'acode/primary': true, 'acode/backup': true, 'radar/primary': true };
  downType: FailureType = 'primary_db_down';
  readonly sourceRows: Record<string, number> = {
    farmarcas_si_analitico_diario: 1000,
    farmarcas_si_analitico_diario_produtos: 100,
    farmarcas_si_analitico_diario_complemento: 500,
    store: 200,
    product: 200,
    user_access: 200,
    brand_metrics_average: 200,
    login: 5,
    menu: 5,
  };
  readonly partitions = new Map<string, { rows: number; files: number; bytes: number }>();
  readonly connections: Record<string, 'active' | 'inactive'> = {
    connection_mysql_s3_acode: 'active',
    connection_mysql_s3_acode_backup: 'inactive',
    connection_mysql_s3_radar: 'active',
  };
  readonly calls: Call[] = [];
  readonly jobs = new Map<number, string>();
  /** The cog_dt_ingestion date an Airbyte job writes under. */
  airbyteRunDate: () => string = () => '2025-08-07';
  readonly alerts: Alert[] = [];
  /** Tables whose sync fails, with the failure type. */
  readonly failingTables = new Map<string, FailureType>();
  /** Runs before an alert is recorded as delivered (a test can hold the workflow there). */
  onAlert: (alert: Alert) => Promise<void> = async () => undefined;

  private record(name: keyof Activities, input: unknown): void {
    this.calls.push({ name, input: JSON.parse(JSON.stringify(input ?? null)) });
  }

  callsOf(name: keyof Activities): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  private key(p: PartitionRef): string {
    return `${p.bucket}/${p.system}/${p.stream}/${p.date}`;
  }

  private requireUp(system: SystemName, role: SourceRole): void {
    if (!this.up[`${system}/${role}`]) throw ApplicationFailure.create({ message: `${system}/${role} refused the connection`, type: this.downType });
  }

  activities(): Activities {
    const s = this;
    return {
      async checkSourceConnectivity(input) {
        s.record('checkSourceConnectivity', input);
        const ok = s.up[`${input.system}/${input.role}`];
        return ok ? { ok: true, latencyMs: 3 } : { ok: false, latencyMs: 0, failureType: s.downType, error: `${input.system}/${input.role} refused the connection` };
      },
      async measureFreshness(input) {
        s.record('measureFreshness', input);
        s.requireUp(input.system, input.role);
        return { latest: new Date().toISOString(), lagSeconds: 60, level: 'ok' };
      },
      async countSourceRows(input) {
        s.record('countSourceRows', input);
        s.requireUp(input.system, input.role);
        return s.sourceRows[input.table] ?? 0;
      },
      async measureReplicationLag(input) {
        s.record('measureReplicationLag', input);
        return { ioRunning: true, sqlRunning: true, lagSeconds: 2, level: 'ok' };
      },
      async discoverSourceSchema(input) {
        s.record('discoverSourceSchema', input);
        return [];
      },
      async listSourceTables(input) {
        s.record('listSourceTables', input);
        s.requireUp(input.system, input.role);
        return input.system === 'radar' ? ['store', 'product', 'user_access', 'brand_metrics_average', 'login', 'menu'] : Object.keys(s.sourceRows).slice(0, 3);
      },
      async syncTableToS3(input) {
        s.record('syncTableToS3', input);
        s.requireUp(input.system, input.role);
        const failing = s.failingTables.get(input.stream);
        if (failing) throw ApplicationFailure.create({ message: `sync of ${input.stream} failed: secret_token=abc`, type: failing, nonRetryable: true });
        const rows = s.sourceRows[input.stream] ?? 0;
        s.partitions.set(s.key({ ...input }), { rows, files: 1, bytes: rows * 20 });
        const location = `s3://${BUCKETS[input.bucket]}/${partitionPrefix(input.system, input.stream, input.date)}`;
        return { stream: input.stream, rows, files: 1, bytes: rows * 20, durationMs: 5, location };
      },
      async listPartition(input) {
        s.record('listPartition', input);
        const p = s.partitions.get(s.key(input));
        if (!p) return { files: [], totalBytes: 0, complete: false };
        return { files: [{ key: `${input.stream}/file_000.parquet`, size: p.bytes, lastModified: new Date().toISOString() }], totalBytes: p.bytes, complete: true };
      },
      async findRecentFiles(input) {
        s.record('findRecentFiles', input);
        return [...s.partitions.keys()].filter((k) => k.startsWith(`${input.bucket}/${input.system}/`)).length;
      },
      async quarantinePartition(input) {
        s.record('quarantinePartition', input);
        const existed = s.partitions.delete(s.key(input));
        return { moved: existed ? 2 : 0, location: `s3://farmarcas-quarantine/${input.system}-${input.date.replace(/-/g, '')}/` };
      },
      async inspectPartition(input) {
        s.record('inspectPartition', input);
        const p = s.partitions.get(s.key(input));
        return { rows: p?.rows ?? 0, files: p?.files ?? 0, schema: [], columns: {} };
      },
      async runQualityGates(input) {
        s.record('runQualityGates', input);
        return { system: input.system, date: input.date, score: 98.5, passed: true, checks: [{ name: 'row_count', passed: true, detail: 'ok' }] };
      },
      async reconcilePartition(input) {
        s.record('reconcilePartition', input);
        return { stream: input.stream, gapsFound: 2, recordsReconciled: 10, duplicatesRemoved: 1, score: 99, location: 's3://farmarcas-production-bronze/origin=reconciled/' };
      },
      async triggerAirbyteSync(input) {
        s.record('triggerAirbyteSync', input);
        const jobId = s.calls.length;
        s.jobs.set(jobId, input.connectionName);
        return { jobId };
      },
      async waitForAirbyteJob(input) {
        s.record('waitForAirbyteJob', input);
        // Like Airbyte's S3 destination: every stream of the connection lands under the run's date.
        const connection = s.jobs.get(input.jobId) ?? '';
        const system: SystemName = connection.includes('radar') ? 'radar' : 'acode';
        const bucket: BucketRole = connection.endsWith('_backup') ? 'backup' : 'bronze';
        const streams = system === 'acode' ? Object.keys(s.sourceRows).slice(0, 3) : Object.keys(s.sourceRows).slice(3);
        let rowsSynced = 0;
        for (const stream of streams) {
          const rows = s.sourceRows[stream];
          rowsSynced += rows;
          s.partitions.set(s.key({ bucket, system, stream, date: s.airbyteRunDate() }), { rows, files: 1, bytes: rows * 20 });
        }
        return { jobId: input.jobId, status: 'succeeded', rowsSynced, bytesSynced: rowsSynced * 20 };
      },
      async cancelAirbyteJob(input) {
        s.record('cancelAirbyteJob', input);
      },
      async setConnectionStatus(input) {
        s.record('setConnectionStatus', input);
        s.connections[input.connectionName] = input.status;
      },
      async getConnectionStatus(input) {
        s.record('getConnectionStatus', input);
        return s.connections[input.connectionName] ?? 'inactive';
      },
      async checkAirbyteHealth() {
        s.record('checkAirbyteHealth', {});
        return { available: true };
      },
      async sendAlert(alert) {
        s.record('sendAlert', alert);
        await s.onAlert(alert);
        s.alerts.push(alert);
        return { slackChannel: alert.severity === 'ERROR' ? '#alerts' : '#data-engineering', pagerDuty: alert.severity === 'CRITICAL' };
      },
    };
  }
}

/** Activities that delegate to whichever ScriptedSystems the current test set, so one worker serves a whole file. */
export function delegatingActivities(current: () => ScriptedSystems): Activities {
  const names = Object.keys(new ScriptedSystems().activities()) as (keyof Activities)[];
  return Object.fromEntries(
    names.map((name) => [name, (...args: unknown[]) => (current().activities()[name] as (...a: unknown[]) => unknown)(...args)]),
  ) as unknown as Activities;
}
