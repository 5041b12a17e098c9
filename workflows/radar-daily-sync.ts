/**
 * Radar's daily sync (replaces dag_sync_airbyte_connections for Radar): every
 * table of the source (or the ones the input names), critical tables gating
 * the run, a day-over-day volume check, Slack on success and on failure, and an
 * alert when the run passes 90 min. Alerts carry table names and counts only:
 * no row data, and no error text of the sensitive `login` table.
 *
 * A critical table failing aborts the run with a CRITICAL alert and hands the
 * failure to recovery (child, ABANDON, see recovery-handoff.ts); other failed
 * tables make a partial success with a WARNING.
 */
import { CancellationScope, isCancellation, sleep, workflowInfo } from '@temporalio/workflow';
import { RADAR_CRITICAL_TABLES, type SyncEngine } from '../config/pipelines';
import { activityProxies, type ActivityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import { previousDay, utcDay } from '../config/calendar';
import type { Timings } from './timings';
import { failureMessageOf, failureOf, failureTypeOf, isInvalidInput } from './failure-classification';
import { radarDailySyncId, runsUnderOwnId } from './ids';
import { invalidInput, parseRadarDailySyncInput, type RadarDailySyncInput } from './inputs';
import { volumeChange, volumeChangeExceeded } from './policy';
import { handOverToRecovery } from './recovery-handoff';
import { measureVolume, syncRadarTablesAirbyte, type RadarTableOutcome } from './radar-sync-steps';
import { syncRadarTablesDirect } from './radar-direct';
import { runAsTheDaysSync } from './one-run-per-day';

export interface RadarDailySyncResult {
  system: 'radar';
  date: string;
  engine: SyncEngine;
  outcome: 'success' | 'partial';
  tables: RadarTableOutcome[];
  failedTables: string[];
  totalRows: number;
  totalBytes: number;
  /** Relative change of bytes against the previous day; null without a baseline. */
  volumeChange: number | null;
  durationMs: number;
}

export async function radarDailySync(input: RadarDailySyncInput = {}): Promise<RadarDailySyncResult> {
  const params = parseRadarDailySyncInput(input, utcDay(new Date()));
  const { date, engine, timings } = params;
  const dayId = radarDailySyncId(date);
  if (!runsUnderOwnId(workflowInfo().workflowId, dayId)) return runAsTheDaysSync(radarDailySync, dayId, { ...input, date });
  const proxies = activityProxies(timings);
  const started = Date.now();
  const longRunWatch = watchLongRun(proxies, timings, date);
  try {
    const tables = await resolveTables(proxies, params.tables);
    const outcomes =
      engine === 'airbyte'
        ? await syncRadarTablesAirbyte(proxies, tables, date, timings)
        : await syncRadarTablesDirect(proxies, tables, date, timings);
    const failed = outcomes.filter((o) => o.status !== 'synced');
    // A critical failure aborts the run; tables it left untried are named as skipped, not as failed.
    const criticalFailed = failed.filter((o) => o.critical && o.status === 'failed');
    if (criticalFailed.length > 0) {
      const first = criticalFailed[0];
      const skipped = failed.filter((o) => o.status === 'skipped').map((o) => o.table);
      throw failureOf(
        first.failureType ?? 'unknown',
        `critical table${criticalFailed.length > 1 ? 's' : ''} ${criticalFailed.map((o) => o.table).join(', ')} failed: ${first.error ?? 'no detail'}` +
          (skipped.length ? `; not tried: ${skipped.join(', ')}` : ''),
      );
    }
    const synced = outcomes.filter((o) => o.status === 'synced');
    const totalBytes = synced.reduce((sum, o) => sum + o.bytes, 0);
    const previousBytes = await measureVolume(proxies, synced.map((o) => o.table), previousDay(date), timings.radarParallelism);
    const result: RadarDailySyncResult = {
      system: 'radar',
      date,
      engine,
      outcome: failed.length > 0 ? 'partial' : 'success',
      tables: outcomes,
      failedTables: failed.map((o) => o.table),
      totalRows: synced.reduce((sum, o) => sum + o.rows, 0),
      totalBytes,
      volumeChange: volumeChange(previousBytes, totalBytes),
      durationMs: Date.now() - started,
    };
    if (volumeChangeExceeded(previousBytes, totalBytes, timings.volumeChangeRatio)) {
      await raiseAlert(proxies, {
        severity: 'WARNING',
        system: 'radar',
        title: `Radar ${date}: data volume changed ${((result.volumeChange ?? 0) * 100).toFixed(1)} % against ${previousDay(date)}`,
        actionRequired: 'check the source for a bulk load or a lost table',
        metrics: { previousBytes, totalBytes },
      });
    }
    await raiseAlert(proxies, {
      severity: result.outcome === 'success' ? 'INFO' : 'WARNING',
      system: 'radar',
      title: `Radar ${date} synced: ${synced.length}/${outcomes.length} tables${failed.length ? `, failed: ${result.failedTables.join(', ')}` : ''}`,
      actionRequired: failed.length ? 'look at the failed tables; the run continued without them' : 'none',
      metrics: { tables: outcomes.length, failed: failed.length, rows: result.totalRows, bytes: totalBytes, durationMs: result.durationMs },
    });
    return result;
  } catch (err) {
    if (isCancellation(err) || isInvalidInput(err)) throw err;
    const failureType = failureTypeOf(err);
    const message = failureMessageOf(err);
    const recovery = params.recoverOnFailure
      ? (await handOverToRecovery({ system: 'radar', failureType, date, engine, reason: `daily sync ${workflowInfo().workflowId}: ${message}`, timings: input.timings }))
          .workflowId
      : undefined;
    await raiseAlert(proxies, {
      severity: 'CRITICAL',
      system: 'radar',
      title: `Radar ${date} sync aborted: ${failureType}`,
      actionRequired: recovery ? `recovery ${recovery} started; follow it in the Temporal UI` : 'rerun the sync once the source is fixed',
      metrics: { failureType, error: message, durationMs: Date.now() - started },
      dedupKey: radarDailySyncId(date),
    });
    throw failureOf(failureType, `Radar ${date} sync failed: ${message}${recovery ? `; recovery ${recovery} started` : ''}`, err);
  } finally {
    longRunWatch.cancel();
  }
}

/** The tables to sync: the input's, or every table of the source. Critical tables must be among them when the source is listed. */
async function resolveTables(proxies: ActivityProxies, requested: string[] | undefined): Promise<string[]> {
  const available = await proxies.quick.listSourceTables({ system: 'radar', role: 'primary' });
  if (requested) {
    const unknown = requested.filter((t) => !available.includes(t));
    if (unknown.length > 0) invalidInput('radarDailySync', 'tables', `not in the source: ${unknown.join(', ')}`);
    return requested;
  }
  const missingCritical = RADAR_CRITICAL_TABLES.filter((t) => !available.includes(t));
  if (missingCritical.length > 0) throw failureOf('schema_change', `critical tables missing from the source: ${missingCritical.join(', ')}`);
  return available;
}

/** Raises a WARNING if the run is still going after longRunAlertMs; cancelled when the run ends. */
function watchLongRun(proxies: ActivityProxies, timings: Timings, date: string): { cancel: () => void } {
  const scope = new CancellationScope();
  scope
    .run(async () => {
      await sleep(timings.longRunAlertMs);
      await raiseAlert(proxies, {
        severity: 'WARNING',
        system: 'radar',
        title: `Radar ${date} sync still running after ${Math.round(timings.longRunAlertMs / 60000)} min`,
        actionRequired: 'check the Airbyte job or the source database load',
      });
    })
    .catch(() => undefined);
  return { cancel: () => scope.cancel() };
}
