/** Signals and queries of the long-running workflows; the CLI uses the same definitions. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OperatorDecision } from './inputs';
import type { HealthState } from './health-state';
import type { RecoveryProgress } from './recovery-progress';

export const healthStateQuery = defineQuery<HealthState>('healthState');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const checkNowSignal = defineSignal('checkNow');

export const recoveryProgressQuery = defineQuery<RecoveryProgress>('recoveryProgress');
export const operatorDecisionSignal = defineSignal<[OperatorDecision]>('operatorDecision');
