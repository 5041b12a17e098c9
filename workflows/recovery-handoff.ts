/**
 * Handing a failure over to recovery from inside a workflow: `recovery` is
 * started as a child with ParentClosePolicy ABANDON (it outlives the caller and
 * may wait hours for a person) under the de-duplicating id
 * `recovery-<system>-<type>-<date>`, so the daily sync, the health monitor and
 * an alert about the same failure all lead to one recovery.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { FailureType } from '../config/failures';
import type { SyncEngine, SystemName } from '../config/pipelines';
import { recoveryId } from './ids';
import type { RecoveryInput } from './inputs';
import { recovery } from './recovery';

export interface RecoveryHandoff {
  system: SystemName;
  failureType: FailureType;
  date: string;
  engine: SyncEngine;
  reason: string;
  timings?: unknown;
}

/** Returns the recovery's workflow id, whether this call started it or it was already running. */
export async function handOverToRecovery(handoff: RecoveryHandoff): Promise<{ workflowId: string; alreadyRunning: boolean }> {
  const workflowId = recoveryId(handoff.system, handoff.failureType, handoff.date);
  const input: RecoveryInput = {
    system: handoff.system,
    failureType: handoff.failureType,
    date: handoff.date,
    engine: handoff.engine,
    reason: handoff.reason.slice(0, 500),
    ...(handoff.timings ? { timings: handoff.timings as RecoveryInput['timings'] } : {}),
  };
  try {
    await startChild(recovery, { workflowId, args: [input], parentClosePolicy: ParentClosePolicy.ABANDON });
    return { workflowId, alreadyRunning: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyRunning: true };
    throw err;
  }
}
