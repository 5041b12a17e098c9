/**
 * One health cycle (seed 003's acode_redundancy_health_check): primary
 * connectivity, freshness, Airbyte connection status, recent files in today's
 * partition, backup health and replication lag. Each check that cannot run is
 * itself a finding, never a crash of the monitor.
 */
import { ACODE_FISCAL_TABLE, AIRBYTE_CONNECTIONS, type SourceRole, type SyncEngine, type SystemName } from '../config/pipelines';
import type { FailureType } from '../config/failures';
import type { Level } from '../activities/types';
import type { ActivityProxies } from './activity-options';
import type { Timings } from './timings';
import { failureMessageOf, failureTypeOf } from './failure-classification';
import { freshnessLevel, hasBackupSource, recentFilesLevel, replicationLagLevel, type CheckOutcome } from './policy';
import { utcDay } from '../config/calendar';

export interface HealthCycle {
  checks: CheckOutcome[];
  primaryOk: boolean;
  primaryFailureType?: FailureType;
  freshness: Level | null;
  replication: Level | null;
}

async function guarded(name: string, failLevel: Level, run: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await run();
  } catch (err) {
    return { name, level: failLevel, detail: `check failed: ${failureMessageOf(err)}` };
  }
}

/** Probes one source; the answer says whether it is up and, if not, the failure type. */
export async function probeSource(
  proxies: ActivityProxies,
  system: SystemName,
  role: SourceRole,
  t: Timings,
): Promise<{ ok: boolean; failureType?: FailureType; detail: string }> {
  try {
    const r = await proxies.probe.checkSourceConnectivity({ system, role, timeoutMs: t.connectivityTimeoutMs });
    return r.ok
      ? { ok: true, detail: `answered in ${r.latencyMs} ms` }
      : { ok: false, failureType: r.failureType ?? 'unknown', detail: r.error ?? 'no answer' };
  } catch (err) {
    return { ok: false, failureType: failureTypeOf(err), detail: failureMessageOf(err) };
  }
}

export async function runHealthCycle(
  proxies: ActivityProxies,
  system: SystemName,
  engine: SyncEngine,
  activeConnection: SourceRole,
  t: Timings,
  now: Date,
): Promise<HealthCycle> {
  const checks: CheckOutcome[] = [];
  const primary = await probeSource(proxies, system, 'primary', t);
  checks.push({ name: 'primary_connectivity', level: primary.ok ? 'ok' : 'critical', detail: primary.detail });

  let freshness: Level | null = null;
  if (system === 'acode' && primary.ok) {
    const check = await guarded('freshness', 'warning', async () => {
      const f = await proxies.quick.measureFreshness({ system, role: 'primary', table: ACODE_FISCAL_TABLE, column: 'Data_Processamento' });
      freshness = freshnessLevel(f.lagSeconds);
      return { name: 'freshness', level: freshness, detail: `latest Data_Processamento ${f.latest ?? 'none'}` };
    });
    checks.push(check);
  }

  const connectionName = AIRBYTE_CONNECTIONS[system][activeConnection];
  if (engine === 'airbyte' && connectionName) {
    checks.push(
      await guarded('airbyte_connection', 'critical', async () => {
        const status = await proxies.quick.getConnectionStatus({ connectionName });
        return { name: 'airbyte_connection', level: status === 'active' ? 'ok' : 'warning', detail: `${connectionName} ${status}` };
      }),
    );
  }

  const today = utcDay(now);
  const bucket = activeConnection === 'backup' ? 'backup' : 'bronze';
  checks.push(
    await guarded('recent_files', 'warning', async () => {
      const files = await proxies.quick.findRecentFiles({ bucket, system, date: today, withinMinutes: 24 * 60 });
      return { name: 'recent_files', level: recentFilesLevel(files, now.getUTCHours()), detail: `${files} files in today's ${bucket} partitions` };
    }),
  );

  let replication: Level | null = null;
  if (hasBackupSource(system)) {
    const backup = await probeSource(proxies, system, 'backup', t);
    checks.push({ name: 'backup_connectivity', level: backup.ok ? 'ok' : 'critical', detail: backup.detail });
    if (backup.ok) {
      checks.push(
        await guarded('replication_lag', 'warning', async () => {
          const lag = await proxies.quick.measureReplicationLag({ system });
          replication = replicationLagLevel(lag.lagSeconds);
          return {
            name: 'replication_lag',
            level: replication,
            detail: lag.lagSeconds === null ? `replication stopped${lag.lastError ? `: ${lag.lastError}` : ''}` : `${lag.lagSeconds} s behind`,
          };
        }),
      );
    } else {
      replication = 'critical';
    }
  }
  return { checks, primaryOk: primary.ok, primaryFailureType: primary.failureType, freshness, replication };
}
