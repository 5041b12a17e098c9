/**
 * The health monitor of one source system (id `health-monitor-<system>`),
 * replacing acode_redundancy_health_check: a health cycle every 5 min;
 * after 3 consecutive primary failures (or an error rate above 10 %, or stale
 * data) a CRITICAL alert and a hand-over to recovery with the failure type read
 * from the error (child, ABANDON, see recovery-handoff.ts). When the failure is
 * one the backup answers (the primary did not answer), the monitor records the
 * backup as the active connection, probes the primary every 10 min and
 * switches back when it answers (backup connection off, primary on, with the
 * Airbyte engine) with a recovery alert, and re-reads the failover's day from
 * the primary (catch-up-sync.ts: the rows the replica had not applied).
 *
 * Query `healthState`; signals `pause`, `resume`, `checkNow`. Continues as new
 * after `healthCyclesPerRun` cycles, carrying its state.
 */
import { condition, continueAsNew, isCancellation, log, patched, setHandler } from '@temporalio/workflow';
import { AIRBYTE_CONNECTIONS } from '../config/pipelines';
import { activityProxies, type ActivityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import { utcDay } from '../config/calendar';
import { failureMessageOf } from './failure-classification';
import { runHealthCycle, probeSource } from './health-checks';
import { recordPrimaryOutcome, restoreHealthState, type HealthState } from './health-state';
import { healthMonitorId } from './ids';
import { parseHealthMonitorInput, type HealthMonitorInput, type HealthMonitorParams } from './inputs';
import { checkNowSignal, healthStateQuery, pauseSignal, resumeSignal } from './messages';
import { decideFailover, hasBackupSource, severityForLevel, strategyFor, summarizeHealth } from './policy';
import { handOverToRecovery } from './recovery-handoff';
import { startCatchUpSync } from './catch-up-sync';
import { PATCHES } from './patches';

export async function healthMonitor(input: HealthMonitorInput): Promise<never> {
  const params = parseHealthMonitorInput(input);
  const { system, timings } = params;
  const proxies = activityProxies(timings);
  const state = restoreHealthState(system, params.carriedState);
  let checkNow = false;

  setHandler(healthStateQuery, () => JSON.parse(JSON.stringify(state)) as HealthState);
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => void (state.paused = false));
  setHandler(checkNowSignal, () => void (checkNow = true));

  while (state.cycles < timings.healthCyclesPerRun) {
    if (state.paused) await condition(() => !state.paused || checkNow);
    checkNow = false;
    try {
      if (state.activeConnection === 'primary') {
        await watchPrimary(proxies, params, state);
      } else {
        await probePrimaryWhileOnBackup(proxies, params, state);
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The monitor outlives any one failed step; the next cycle tries again.
      log.error('health cycle failed', { system, error: failureMessageOf(err) });
      state.lastChecks = [...state.lastChecks, { name: 'monitor', level: 'warning', detail: `cycle failed: ${failureMessageOf(err)}` }];
    }
    state.cycles++;
    state.totalCycles++;
    const interval = state.activeConnection === 'primary' ? timings.healthCheckIntervalMs : timings.primaryProbeIntervalMs;
    await condition(() => checkNow || state.paused, interval);
  }
  return continueAsNew<typeof healthMonitor>({
    system,
    engine: params.engine,
    ...(params.rawTimings ? { timings: params.rawTimings as HealthMonitorInput['timings'] } : {}),
    carriedState: state,
  });
}

/** A full cycle on the primary; fails over when the policy says so. */
async function watchPrimary(proxies: ActivityProxies, params: HealthMonitorParams, state: HealthState): Promise<void> {
  const { system, engine, timings } = params;
  const now = new Date();
  const cycle = await runHealthCycle(proxies, system, engine, 'primary', timings, now);
  recordPrimaryOutcome(state, cycle.primaryOk);
  const previousHealth = state.health;
  state.health = summarizeHealth(cycle.checks);
  state.lastChecks = cycle.checks;
  state.lastCheckAt = now.toISOString();

  const decision = decideFailover(
    {
      consecutivePrimaryFailures: state.consecutiveFailures,
      recentOutcomes: state.recentOutcomes,
      freshness: cycle.freshness,
      replication: cycle.replication,
      lastFailureType: cycle.primaryFailureType,
    },
    timings.failoverAfterFailures,
  );
  state.risks = decision.risks;
  const date = utcDay(now);
  const alreadyHandled = state.lastFailover?.failureType === decision.failureType && state.lastFailover.at.slice(0, 10) === date;
  if (decision.failover && !alreadyHandled) {
    const handoff = await handOverToRecovery({
      system,
      failureType: decision.failureType,
      date,
      engine,
      reason: `${healthMonitorId(system)}: ${decision.reasons.join('; ')}`,
      timings: params.rawTimings,
    });
    state.lastFailover = { at: now.toISOString(), failureType: decision.failureType, reasons: decision.reasons, recoveryWorkflowId: handoff.workflowId };
    state.failovers++;
    const toBackup = hasBackupSource(system) && strategyFor(decision.failureType, system) !== 'manual_intervention_required';
    if (toBackup) state.activeConnection = 'backup';
    state.consecutiveFailures = 0;
    await raiseAlert(proxies, {
      severity: 'CRITICAL',
      system,
      title: `${system.toUpperCase()} primary failing (${decision.failureType}): ${toBackup ? 'failing over to the backup' : 'recovery started'}`,
      actionRequired: `follow recovery ${handoff.workflowId} in the Temporal UI`,
      metrics: { reasons: decision.reasons.join('; '), risks: decision.risks.join('; '), failureType: decision.failureType },
      dedupKey: handoff.workflowId,
    });
    return;
  }
  if (state.health !== previousHealth) {
    const worst = state.health === 'unhealthy' ? 'critical' : state.health === 'degraded' ? 'warning' : 'ok';
    const failing = cycle.checks.filter((c) => c.level !== 'ok');
    await raiseAlert(proxies, {
      severity: severityForLevel(worst),
      system,
      title: `${system.toUpperCase()} health ${previousHealth} → ${state.health}`,
      actionRequired: failing.length ? `look at: ${failing.map((c) => `${c.name} (${c.detail})`).join('; ')}` : 'none',
      metrics: { consecutiveFailures: state.consecutiveFailures, risks: decision.risks.join('; ') },
    });
  }
}

/** On the backup: probe the primary; when it answers, switch back and say so. */
async function probePrimaryWhileOnBackup(proxies: ActivityProxies, params: HealthMonitorParams, state: HealthState): Promise<void> {
  const { system, engine, timings } = params;
  const now = new Date();
  const probe = await probeSource(proxies, system, 'primary', timings);
  state.lastCheckAt = now.toISOString();
  state.lastChecks = [{ name: 'primary_connectivity', level: probe.ok ? 'ok' : 'critical', detail: probe.detail }];
  if (!probe.ok) {
    state.health = 'degraded';
    return;
  }
  const connections = AIRBYTE_CONNECTIONS[system];
  if (engine === 'airbyte' && connections.backup && connections.primary) {
    await proxies.quick.setConnectionStatus({ connectionName: connections.backup, status: 'inactive' });
    await proxies.quick.setConnectionStatus({ connectionName: connections.primary, status: 'active' });
  }
  state.activeConnection = 'primary';
  state.consecutiveFailures = 0;
  state.health = 'healthy';
  state.switchBacks++;
  const catchUp = state.lastFailover && patched(PATCHES.catchUpAfterSwitchBack) ? await startCatchUpSync(system, engine, state.lastFailover, params.rawTimings) : undefined;
  if (catchUp) state.lastCatchUp = catchUp;
  await raiseAlert(proxies, {
    severity: 'INFO',
    system,
    title: `${system.toUpperCase()} primary is back: switched back from the backup`,
    actionRequired: catchUp ? `none: ${catchUp.date} is being re-read from the primary (${catchUp.workflowId})` : 'none',
    metrics: { probe: probe.detail, failovers: state.failovers },
  });
}
