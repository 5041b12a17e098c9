/**
 * The four recovery strategies of seed 003's acode_auto_recovery, each run to
 * an end: recovered, hand over to another strategy, or aborted.
 */
import { condition, executeChild, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { AIRBYTE_CONNECTIONS, type SourceRole } from '../config/pipelines';
import type { ActivityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import { failureMessageOf, failureTypeOf } from './failure-classification';
import type { AcodeDailySyncInput, OperatorDecision, RadarDailySyncInput, RecoveryParams } from './inputs';
import { backoffSchedule, escalationAfterRetries, strategyFor, type RecoveryStrategy } from './policy';
import type { RecoveryTracker } from './recovery-progress';
import { DECISION_STRATEGY, type DecisionBox } from './operator-decisions';
import { recoverySyncId } from './ids';
import { PATCHES } from './patches';
import { acodeDailySync } from './acode-daily-sync';
import { radarDailySync } from './radar-daily-sync';

export type StrategyEnd =
  | { kind: 'recovered'; usedBackup: boolean }
  | { kind: 'next'; strategy: RecoveryStrategy; why: string }
  | { kind: 'aborted'; why: string };

export interface RecoveryContext {
  params: RecoveryParams;
  proxies: ActivityProxies;
  tracker: RecoveryTracker;
  /** Whether the recovery waits for a person, and the decision not yet acted on. */
  decisions: DecisionBox;
  /** Takes the pending decision. */
  takeDecision: () => OperatorDecision | undefined;
  /** Numbers child syncs so each gets its own id. */
  nextSyncNumber: () => number;
}

/** Runs the day's sync from a source as a child, without its own recovery hand-off. */
async function runChildSync(ctx: RecoveryContext, source: SourceRole): Promise<void> {
  const { system, date, engine, rawTimings } = ctx.params;
  const workflowId = recoverySyncId(workflowInfo().workflowId, source, ctx.nextSyncNumber());
  const timings = rawTimings ? { timings: rawTimings as AcodeDailySyncInput['timings'] } : {};
  ctx.tracker.record('sync_started', `${workflowId} (${engine})`);
  if (system === 'acode') {
    const args: AcodeDailySyncInput = { date, source, engine, recoverOnFailure: false, ...timings };
    await executeChild(acodeDailySync, { workflowId, args: [args] });
  } else {
    const args: RadarDailySyncInput = { date, engine, recoverOnFailure: false, ...timings };
    await executeChild(radarDailySync, { workflowId, args: [args] });
  }
  ctx.tracker.record('sync_succeeded', workflowId);
}

async function switchConnection(ctx: RecoveryContext, role: SourceRole, status: 'active' | 'inactive'): Promise<void> {
  const connectionName = AIRBYTE_CONNECTIONS[ctx.params.system][role];
  if (ctx.params.engine !== 'airbyte' || !connectionName) return;
  await ctx.proxies.quick.setConnectionStatus({ connectionName, status });
  ctx.tracker.record('connection_switched', `${connectionName} ${status}`);
}

/** After `wait`, whether the primary answers its connectivity check. */
async function primaryAnswersAfter(ctx: RecoveryContext, wait: number): Promise<boolean> {
  const { system, timings } = ctx.params;
  ctx.tracker.record('waiting', `${Math.round(wait / 1000)} s before re-testing the primary`);
  await sleep(wait);
  const attempt = ctx.tracker.countAttempt();
  const probe = await ctx.proxies.probe.checkSourceConnectivity({ system, role: 'primary', timeoutMs: timings.connectivityTimeoutMs });
  ctx.tracker.record('primary_tested', `attempt ${attempt}: ${probe.ok ? `answered in ${probe.latencyMs} ms` : probe.error ?? 'no answer'}`);
  return probe.ok;
}

/** Asks the lake's storage every storageProbeIntervalMs until it answers (true) or `until` passes (false). */
async function storageAnswersBy(ctx: RecoveryContext, until: number): Promise<boolean> {
  const { timings } = ctx.params;
  ctx.tracker.record('waiting', `for the lake's storage, asked every ${Math.round(timings.storageProbeIntervalMs / 1000)} s`);
  for (let checks = 1; Date.now() < until; checks++) {
    await sleep(Math.min(timings.storageProbeIntervalMs, until - Date.now()));
    const check = await ctx.proxies.probe.checkLakeStorage({ bucket: 'bronze', timeoutMs: timings.connectivityTimeoutMs });
    if (check.ok) {
      ctx.tracker.record('storage_tested', `attempt ${ctx.tracker.countAttempt()}: answered at check ${checks} in ${check.latencyMs} ms`);
      return true;
    }
    if (Date.now() >= until) ctx.tracker.record('storage_tested', `no answer in ${checks} checks: ${check.error ?? 'no answer'}`);
  }
  return false;
}

/**
 * Wait 5, 10, 20 min (+ jitter), re-test the primary after each; back → primary sync; still down → escalate.
 * When the lake's storage is what failed (storage_unavailable, at the start or in a re-run), the waits
 * become storage checks (storageAnswersBy) within the same total, and the sync re-runs once S3 answers.
 */
export async function retryPrimaryWithDelay(ctx: RecoveryContext): Promise<StrategyEnd> {
  const { system, timings } = ctx.params;
  const waits = backoffSchedule(timings.retryBackoffMs, timings.retryJitterMs, Math.random);
  const askStorage = patched(PATCHES.storageChecks);
  const until = Date.now() + waits.reduce((a, b) => a + b, 0);
  let storageDown = askStorage && ctx.params.failureType === 'storage_unavailable';
  let next = 0;
  while (storageDown ? Date.now() < until : next < waits.length) {
    const ready = storageDown ? await storageAnswersBy(ctx, until) : await primaryAnswersAfter(ctx, waits[next++]);
    if (!ready) continue;
    try {
      await runChildSync(ctx, 'primary');
      return { kind: 'recovered', usedBackup: false };
    } catch (err) {
      const type = failureTypeOf(err);
      ctx.tracker.record('sync_failed', `${type}: ${failureMessageOf(err)}`);
      // The lake's storage is down: the next wait may see it back; the backup would write to it too.
      if (type === 'storage_unavailable') {
        storageDown = askStorage;
        continue;
      }
      const next = strategyFor(type, system);
      return {
        kind: 'next',
        strategy: next === 'retry_primary_with_delay' ? escalationAfterRetries(system) : next,
        why: `primary sync failed after the primary answered (${type})`,
      };
    }
  }
  const last = ctx.tracker.snapshot().history.at(-1)?.step;
  const stillDown = last === 'sync_failed' ? 'the sync still failing' : storageDown ? "the lake's storage still down" : 'primary still down';
  return { kind: 'next', strategy: escalationAfterRetries(system), why: `${stillDown} after ${storageDown ? 'the backoff' : `${waits.length} re-tests`}` };
}

/** Primary connection off, backup on, backup sync (bounded), validated by the sync itself. */
export async function useBackupImmediately(ctx: RecoveryContext): Promise<StrategyEnd> {
  try {
    await switchConnection(ctx, 'primary', 'inactive');
    await switchConnection(ctx, 'backup', 'active');
    await runChildSync(ctx, 'backup');
    return { kind: 'recovered', usedBackup: true };
  } catch (err) {
    ctx.tracker.record('backup_failed', `${failureTypeOf(err)}: ${failureMessageOf(err)}`);
    return { kind: 'next', strategy: 'manual_intervention_required', why: 'the backup sync failed' };
  }
}

/** Primary off, the corrupted partitions to quarantine (never deleted), backup on, full backup sync and its integrity checks. */
export async function fullBackupRestore(ctx: RecoveryContext, streams: readonly string[]): Promise<StrategyEnd> {
  const { system, date, failureType, reason } = ctx.params;
  try {
    await switchConnection(ctx, 'primary', 'inactive');
    for (const stream of streams) {
      const moved = await ctx.proxies.inspect.quarantinePartition({
        bucket: 'bronze',
        system,
        stream,
        date,
        reason: `${failureType}${reason ? `: ${reason}` : ''}`.slice(0, 300),
      });
      ctx.tracker.record('quarantined', `${stream}: ${moved.moved} objects to ${moved.location}`);
    }
    await switchConnection(ctx, 'backup', 'active');
    await runChildSync(ctx, 'backup');
    return { kind: 'recovered', usedBackup: true };
  } catch (err) {
    ctx.tracker.record('restore_failed', `${failureTypeOf(err)}: ${failureMessageOf(err)}`);
    return { kind: 'next', strategy: 'manual_intervention_required', why: 'the restore failed' };
  }
}

/** Alert with the context, wait for a decision; nobody answers → PagerDuty, keep waiting to the final bound, then abort. */
export async function manualInterventionRequired(ctx: RecoveryContext, why: string): Promise<StrategyEnd> {
  const { system, date, failureType, reason, timings } = ctx.params;
  const { workflowId } = workflowInfo();
  const howToAnswer = `decide: orchestrator signal decision ${workflowId} --action retry_primary|use_backup|restore|abort --operator <name>`;
  await raiseAlert(ctx.proxies, {
    severity: 'ERROR',
    system,
    title: `${system.toUpperCase()} ${date}: recovery needs a person (${failureType})`,
    actionRequired: howToAnswer,
    metrics: { failureType, why, ...(reason ? { reason } : {}) },
  });
  ctx.tracker.record('waiting_for_operator', why);
  const hasDecision = () => ctx.decisions.pending !== undefined;
  ctx.decisions.waiting = true;
  let answered = await condition(hasDecision, timings.manualDecisionTimeoutMs);
  if (!answered) {
    ctx.tracker.record('paged', `no decision within ${Math.round(timings.manualDecisionTimeoutMs / 60000)} min`);
    await raiseAlert(ctx.proxies, {
      severity: 'CRITICAL',
      system,
      title: `${system.toUpperCase()} ${date}: recovery waiting for a decision, nobody answered`,
      actionRequired: howToAnswer,
      metrics: { failureType, waitedMinutes: Math.round(timings.manualDecisionTimeoutMs / 60000) },
      dedupKey: workflowId,
    });
    answered = await condition(hasDecision, timings.manualAbortAfterMs - timings.manualDecisionTimeoutMs);
  }
  ctx.decisions.waiting = false;
  const decision = answered ? ctx.takeDecision() : undefined;
  if (!decision) return { kind: 'aborted', why: `no decision within ${Math.round(timings.manualAbortAfterMs / 60000)} min` };
  if (decision.action === 'abort') return { kind: 'aborted', why: `aborted by ${decision.operator}` };
  return { kind: 'next', strategy: DECISION_STRATEGY[decision.action], why: `decided by ${decision.operator}` };
}
