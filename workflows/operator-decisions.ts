/**
 * A recovery's operator decisions: the `decide` Update (validated, answered with what the
 * recovery does next) and the older `operatorDecision` signal, which takes the same checks
 * but can only leave a refusal on record.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { SystemName } from '../config/pipelines';
import { failureMessageOf } from './failure-classification';
import { parseOperatorDecision, type OperatorDecision } from './inputs';
import { decideUpdate, operatorDecisionSignal, type DecisionAnswer } from './messages';
import { hasBackupSource, needsBackup, type RecoveryStrategy } from './policy';
import type { RecoveryTracker } from './recovery-progress';

/** The strategy each decision hands the recovery to ('abort' ends it). */
export const DECISION_STRATEGY: Record<Exclude<OperatorDecision['action'], 'abort'>, RecoveryStrategy> = {
  retry_primary: 'retry_primary_with_delay',
  use_backup: 'use_backup_immediately',
  restore: 'full_backup_restore',
};

export const DECISION_REFUSED = 'decision_refused';

/** Why `decision` cannot apply to this system, if it cannot. */
function backupProblem(system: SystemName, decision: OperatorDecision): string | undefined {
  if (decision.action === 'abort' || decision.action === 'retry_primary') return undefined;
  return needsBackup(DECISION_STRATEGY[decision.action]) && !hasBackupSource(system) ? `${system} has no backup source` : undefined;
}

export interface DecisionBox {
  /** The recovery waits for a person now (the manual strategy's wait). */
  waiting: boolean;
  pending?: OperatorDecision;
}

export function answerFor(decision: OperatorDecision): DecisionAnswer {
  return { action: decision.action, operator: decision.operator, next: decision.action === 'abort' ? 'abort' : DECISION_STRATEGY[decision.action] };
}

export function installDecisionHandlers(system: SystemName, tracker: RecoveryTracker, box: DecisionBox): void {
  const accept = (decision: OperatorDecision) => {
    box.pending = decision;
    tracker.decide(decision);
  };
  setHandler(operatorDecisionSignal, (raw) => {
    let decision: OperatorDecision;
    try {
      decision = parseOperatorDecision(raw);
    } catch (err) {
      tracker.record(DECISION_REFUSED, failureMessageOf(err));
      return;
    }
    const problem = backupProblem(system, decision);
    if (problem) tracker.refuse(decision, problem);
    else accept(decision);
  });
  setHandler(
    decideUpdate,
    (raw) => {
      const decision = parseOperatorDecision(raw);
      accept(decision);
      return answerFor(decision);
    },
    {
      validator: (raw) => {
        let decision: OperatorDecision;
        try {
          decision = parseOperatorDecision(raw);
        } catch (err) {
          throw ApplicationFailure.nonRetryable(failureMessageOf(err), DECISION_REFUSED);
        }
        const problem = backupProblem(system, decision) ?? (box.pending ? 'a decision is already pending' : !box.waiting ? 'no decision is pending: the recovery is not waiting for a person' : undefined);
        if (problem) throw ApplicationFailure.nonRetryable(`${decision.action} refused: ${problem}`, DECISION_REFUSED);
      },
    },
  );
}
