/** Signals and queries of the long-running workflows; the CLI uses the same definitions. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OperatorDecision } from './inputs';
import type { HealthState } from './health-state';
import type { RecoveryProgress } from './recovery-progress';
import type { RecoveryStrategy } from './policy';

export const healthStateQuery = defineQuery<HealthState>('healthState');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const checkNowSignal = defineSignal('checkNow');

export const recoveryProgressQuery = defineQuery<RecoveryProgress>('recoveryProgress');
export const operatorDecisionSignal = defineSignal<[OperatorDecision]>('operatorDecision');

/** What a recovery does with a decision it took: the strategy it enters, or the abort. */
export interface DecisionAnswer {
  action: OperatorDecision['action'];
  operator: string;
  next: RecoveryStrategy | 'abort';
}
/** The decision as an Update: refused by its validator when it cannot apply now, answered with what comes next. */
export const decideUpdate = defineUpdate<DecisionAnswer, [OperatorDecision]>('decide');
