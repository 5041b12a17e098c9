/**
 * What a recovery has done so far, as the `recoveryProgress` query answers it:
 * the strategy, the current step, attempts, a history of steps with times, and
 * the operator's decision. Pure: the workflow passes its own clock.
 */
import type { FailureType } from '../config/failures';
import type { SystemName } from '../config/pipelines';
import type { OperatorDecision } from './inputs';
import type { RecoveryStrategy } from './policy';

export interface RecoveryStep {
  at: string;
  strategy: RecoveryStrategy;
  step: string;
  detail?: string;
}

export type RecoveryOutcome = 'recovered' | 'escalated' | 'aborted';

export interface RecoveryProgress {
  system: SystemName;
  failureType: FailureType;
  date: string;
  strategy: RecoveryStrategy;
  step: string;
  /** Primary re-tests done by retry_primary_with_delay. */
  attempts: number;
  history: RecoveryStep[];
  decision?: OperatorDecision & { at: string };
  /** Decisions refused (e.g. use_backup on a system without a backup), kept for the record. */
  refusedDecisions: (OperatorDecision & { at: string; why: string })[];
  outcome?: RecoveryOutcome;
}

export class RecoveryTracker {
  private readonly state: RecoveryProgress;

  constructor(
    init: { system: SystemName; failureType: FailureType; date: string; strategy: RecoveryStrategy },
    private readonly now: () => Date,
  ) {
    this.state = { ...init, step: 'started', attempts: 0, history: [], refusedDecisions: [] };
    this.record('started');
  }

  get strategy(): RecoveryStrategy {
    return this.state.strategy;
  }

  enter(strategy: RecoveryStrategy, why?: string): void {
    this.state.strategy = strategy;
    this.record('strategy', why ? `${strategy}: ${why}` : strategy);
  }

  record(step: string, detail?: string): void {
    this.state.step = step;
    this.state.history.push({ at: this.now().toISOString(), strategy: this.state.strategy, step, ...(detail ? { detail } : {}) });
  }

  countAttempt(): number {
    return ++this.state.attempts;
  }

  decide(decision: OperatorDecision): void {
    this.state.decision = { ...decision, at: this.now().toISOString() };
    this.record('operator_decision', `${decision.action} by ${decision.operator}${decision.note ? `: ${decision.note}` : ''}`);
  }

  refuse(decision: OperatorDecision, why: string): void {
    this.state.refusedDecisions.push({ ...decision, at: this.now().toISOString(), why });
  }

  finish(outcome: RecoveryOutcome, detail?: string): void {
    this.state.outcome = outcome;
    this.record(outcome, detail);
  }

  snapshot(): RecoveryProgress {
    return JSON.parse(JSON.stringify(this.state)) as RecoveryProgress;
  }
}
