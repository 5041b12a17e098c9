/**
 * Recovery (replaces acode_auto_recovery): the strategy follows the failure
 * type (policy.ts), and a strategy that does not recover hands over to the
 * next: retries → backup → a person. After a recovery that used the backup,
 * the date is reconciled (child `reconciliation`).
 *
 * Outcome: 'recovered' when the data is back (the steps show which way);
 * 'aborted' when an operator aborted or nobody decided within the final bound;
 * 'escalated' when the strategies ran out (MAX_STRATEGY_ROUNDS) and the
 * incident was paged to on-call.
 *
 * Query `recoveryProgress`; Update `decide` ({ action, operator, note }), refused when it
 * cannot apply now and answered with the strategy that follows; the signal
 * `operatorDecision` takes the same decision for older callers.
 */
import { invalidInput } from '../config/failures';
import { executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { installDecisionHandlers, type DecisionBox } from './operator-decisions';
import { failureMessageOf } from './failure-classification';
import { activityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import { utcDay } from '../config/calendar';
import { ACODE_STREAM_NAMES } from '../config/pipelines';
import { parseRecoveryInput, type OperatorDecision, type RecoveryInput } from './inputs';
import { recoveryProgressQuery } from './messages';
import { severityForRecoveryStart, strategyFor, type RecoveryStrategy } from './policy';
import { RecoveryTracker, type RecoveryOutcome, type RecoveryStep } from './recovery-progress';
import {
  fullBackupRestore,
  manualInterventionRequired,
  retryPrimaryWithDelay,
  useBackupImmediately,
  type RecoveryContext,
  type StrategyEnd,
} from './recovery-strategies';
import type { ReconciliationResult } from './reconciliation';
import { recoveryReconciliationId } from './ids';
import { reconciliation } from './reconciliation';

/** More hand-overs than this means the strategies are going round in circles. */
export const MAX_STRATEGY_ROUNDS = 6;

export interface RecoveryResult {
  strategy: RecoveryStrategy;
  finalStrategy: RecoveryStrategy;
  outcome: RecoveryOutcome;
  steps: RecoveryStep[];
  decision?: OperatorDecision;
  reconciliation?: ReconciliationResult;
}

export async function recovery(input: RecoveryInput): Promise<RecoveryResult> {
  const params = parseRecoveryInput(input, utcDay(new Date()));
  const { system, failureType, date } = params;
  const proxies = activityProxies(params.timings);
  const initial = strategyFor(failureType, system);
  const tracker = new RecoveryTracker({ system, failureType, date, strategy: initial }, () => new Date());
  const decisions: DecisionBox = { waiting: false };
  let syncNumber = 0;

  setHandler(recoveryProgressQuery, () => tracker.snapshot());
  installDecisionHandlers(system, tracker, decisions);

  const ctx: RecoveryContext = {
    params,
    proxies,
    tracker,
    decisions,
    takeDecision: () => {
      const decision = decisions.pending;
      decisions.pending = undefined;
      return decision;
    },
    nextSyncNumber: () => ++syncNumber,
  };

  await raiseAlert(proxies, {
    severity: severityForRecoveryStart(initial),
    system,
    title: `${system.toUpperCase()} ${date}: recovery started for ${failureType} → ${initial}`,
    actionRequired: initial === 'manual_intervention_required' ? 'an operator decision is needed' : 'none: automatic recovery running',
    metrics: { failureType, strategy: initial, ...(params.reason ? { reason: params.reason } : {}) },
  });

  let strategy = initial;
  let end: StrategyEnd = { kind: 'aborted', why: 'no strategy ran' };
  let why = params.reason ?? `failure ${failureType}`;
  let rounds = 0;
  for (; rounds < MAX_STRATEGY_ROUNDS; rounds++) {
    if (rounds > 0) tracker.enter(strategy, why);
    end = await runStrategy(ctx, strategy, why);
    if (end.kind !== 'next') break;
    strategy = end.strategy;
    why = end.why;
  }

  let outcome: RecoveryOutcome;
  let reconciliation: ReconciliationResult | undefined;
  if (end.kind === 'recovered') {
    outcome = 'recovered';
    tracker.finish(outcome, `by ${strategy}`);
    if (end.usedBackup) reconciliation = await reconcileAfterBackup(ctx);
  } else if (end.kind === 'aborted') {
    outcome = 'aborted';
    tracker.finish(outcome, end.why);
  } else {
    outcome = 'escalated';
    tracker.finish(outcome, `strategies exhausted after ${rounds} rounds`);
  }

  await raiseAlert(proxies, {
    severity: outcome === 'recovered' ? 'INFO' : 'CRITICAL',
    system,
    title: `${system.toUpperCase()} ${date}: recovery ${outcome} (${strategy})`,
    actionRequired: outcome === 'recovered' ? 'none' : 'the data of the day is missing: handle the incident by hand',
    metrics: { failureType, initialStrategy: initial, finalStrategy: strategy, steps: tracker.snapshot().history.length },
    ...(outcome === 'recovered' ? {} : { dedupKey: workflowInfo().workflowId }),
  });

  const snapshot = tracker.snapshot();
  return {
    strategy: initial,
    finalStrategy: strategy,
    outcome,
    steps: snapshot.history,
    ...(snapshot.decision ? { decision: { action: snapshot.decision.action, operator: snapshot.decision.operator, note: snapshot.decision.note } } : {}),
    ...(reconciliation ? { reconciliation } : {}),
  };
}

function runStrategy(ctx: RecoveryContext, strategy: RecoveryStrategy, why: string): Promise<StrategyEnd> {
  switch (strategy) {
    case 'retry_primary_with_delay':
      return retryPrimaryWithDelay(ctx);
    case 'use_backup_immediately':
      return useBackupImmediately(ctx);
    case 'full_backup_restore':
      return fullBackupRestore(ctx, ctx.params.system === 'acode' ? ACODE_STREAM_NAMES : []);
    case 'manual_intervention_required':
      return manualInterventionRequired(ctx, why);
    default:
      throw invalidInput(`unknown recovery strategy ${String(strategy)}`);
  }
}

/** Post-recovery reconciliation of the date; its failure is reported, it does not undo the recovery. */
async function reconcileAfterBackup(ctx: RecoveryContext): Promise<ReconciliationResult | undefined> {
  const { system, date } = ctx.params;
  const workflowId = recoveryReconciliationId(workflowInfo().workflowId);
  ctx.tracker.record('reconciliation_started', workflowId);
  try {
    const result = await executeChild(reconciliation, { workflowId, args: [{ system, date }] });
    ctx.tracker.record('reconciled', `${result.recordsReconciled} records, ${result.gapsFound} gaps, score ${result.score}`);
    return result;
  } catch (err) {
    ctx.tracker.record('reconciliation_failed', failureMessageOf(err));
    return undefined;
  }
}
