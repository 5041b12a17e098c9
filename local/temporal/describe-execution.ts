import { enums, toDuration, toTimestamp, type temporal } from './proto';
import { executionInfo } from './visibility';
import type { WorkflowRun } from './workflow-run';

type Describe = temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;

const PENDING = enums.PendingActivityState;

/** DescribeWorkflowExecution: config, info, pending activities and children. */
export function describeExecution(run: WorkflowRun): Describe {
  return {
    executionConfig: {
      taskQueue: { name: run.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: toDuration(run.executionTimeoutMs),
      workflowRunTimeout: toDuration(run.runTimeoutMs),
      defaultWorkflowTaskTimeout: toDuration(run.workflowTaskTimeoutMs),
    },
    workflowExecutionInfo: executionInfo(run),
    pendingActivities: [...run.activities.values()].map((a) => ({
      activityId: a.command.activityId,
      activityType: a.command.activityType,
      state: a.cancelRequested ? PENDING.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED : a.phase === 'started' ? PENDING.PENDING_ACTIVITY_STATE_STARTED : PENDING.PENDING_ACTIVITY_STATE_SCHEDULED,
      heartbeatDetails: a.heartbeatDetails,
      lastStartedTime: a.startedTime !== undefined ? toTimestamp(a.startedTime) : undefined,
      scheduledTime: toTimestamp(a.attemptScheduledTime),
      attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts,
      lastFailure: a.lastFailure,
      lastWorkerIdentity: a.identity,
    })),
    pendingChildren: [...run.children.values()].map((c) => ({
      workflowId: c.workflowId, runId: c.runId, workflowTypeName: c.workflowType, initiatedId: c.initiatedEventId, parentClosePolicy: c.parentClosePolicy,
    })),
    pendingWorkflowTask:
      run.wft.state === 'none'
        ? undefined
        : {
            state: run.wft.state === 'started' ? enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED : enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: toTimestamp(run.wft.scheduledAt),
            attempt: run.wft.attempt,
          },
  } as unknown as Describe;
}
