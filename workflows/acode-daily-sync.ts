/**
 * ACODE's daily sync (replaces dag_sync_connection_mysql_s3_acode): check the
 * source, sync the three streams, check what landed, alert.
 *
 * On failure the failure type is read from the error and `recovery` is started
 * as a child workflow with ParentClosePolicy ABANDON and the de-duplicating id
 * `recovery-acode-<type>-<date>`: recovery outlives this run (it may wait
 * hours for a person) and an alert-started recovery of the same failure is the
 * same workflow. This run then fails with the failure type, so the schedule
 * and the UI show the failed day, and the error names the recovery started.
 * Syncs started by recovery itself pass recoverOnFailure=false.
 */
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import type { SourceRole, SyncEngine } from '../config/pipelines';
import { activityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import {
  engineLabel,
  requireSourceReachable,
  syncStreamsAirbyte,
  syncStreamsDirect,
  validateLandedStreams,
  type StreamSummary,
} from './acode-sync-steps';
import { utcDay } from '../config/calendar';
import { failureMessageOf, failureOf, failureTypeOf, isInvalidInput } from './failure-classification';
import { acodeDailySyncId, runsUnderOwnId } from './ids';
import { parseAcodeDailySyncInput, type AcodeDailySyncInput } from './inputs';
import { handOverToRecovery } from './recovery-handoff';
import { severityForSyncFailure } from './policy';
import { runAsTheDaysSync } from './one-run-per-day';

export interface AcodeDailySyncResult {
  system: 'acode';
  date: string;
  source: SourceRole;
  engine: SyncEngine;
  streams: StreamSummary[];
  qualityScore: number;
  durationMs: number;
}

type Stage = 'health_check' | 'sync' | 'validation';

export async function acodeDailySync(input: AcodeDailySyncInput = {}): Promise<AcodeDailySyncResult> {
  const params = parseAcodeDailySyncInput(input, utcDay(new Date()));
  const { date, source, engine, streams, timings } = params;
  const dayId = acodeDailySyncId(date, source);
  if (!runsUnderOwnId(workflowInfo().workflowId, dayId)) return runAsTheDaysSync(acodeDailySync, dayId, { ...input, date });
  const proxies = activityProxies(timings);
  const started = Date.now();
  let stage: Stage = 'health_check';
  try {
    await requireSourceReachable(proxies, source, timings);
    stage = 'sync';
    const landed =
      engine === 'airbyte'
        ? await syncStreamsAirbyte(proxies, streams, source, timings)
        : await syncStreamsDirect(proxies, streams, source, date, timings);
    stage = 'validation';
    const check = await validateLandedStreams(proxies, landed, source, date);
    const result: AcodeDailySyncResult = {
      system: 'acode',
      date,
      source,
      engine,
      streams: check.streams,
      qualityScore: check.quality.score,
      durationMs: Date.now() - started,
    };
    await raiseAlert(proxies, {
      severity: 'INFO',
      system: 'acode',
      title: `ACODE ${date} synced from the ${source} (${engineLabel(engine)})`,
      actionRequired: 'none',
      metrics: successMetrics(result),
    });
    return result;
  } catch (err) {
    if (isCancellation(err) || isInvalidInput(err)) throw err;
    const failureType = failureTypeOf(err);
    const message = failureMessageOf(err);
    const recovery =
      params.recoverOnFailure && source === 'primary'
        ? (
            await handOverToRecovery({
              system: 'acode',
              failureType,
              date,
              engine,
              reason: `daily sync ${workflowInfo().workflowId}: ${message}`,
              timings: input.timings,
            })
          ).workflowId
        : undefined;
    await raiseAlert(proxies, {
      severity: severityForSyncFailure(true),
      system: 'acode',
      title: `ACODE ${date} sync from the ${source} failed at ${stage}: ${failureType}`,
      actionRequired: recovery ? `recovery ${recovery} started; follow it in the Temporal UI` : 'start a recovery or answer the alert',
      metrics: { stage, failureType, error: message, durationMs: Date.now() - started },
      dedupKey: acodeDailySyncId(date, source),
    });
    throw failureOf(failureType, `ACODE ${date} sync from the ${source} failed at ${stage}: ${message}${recovery ? `; recovery ${recovery} started` : ''}`, err);
  }
}

function successMetrics(result: AcodeDailySyncResult): Record<string, number | string> {
  const metrics: Record<string, number | string> = { durationMs: result.durationMs, qualityScore: result.qualityScore };
  for (const s of result.streams) {
    metrics[`${s.stream}.rows`] = s.rows;
    metrics[`${s.stream}.files`] = s.files;
    metrics[`${s.stream}.bytes`] = s.bytes;
  }
  return metrics;
}
