import { randomUUID } from 'node:crypto';
import { nextCronTime } from './run-chain';
import { ServiceError, alreadyExists, invalidArgument } from './errors';
import { durationMs, enums, toDuration, toTimestamp, type Failure, type Payloads, type temporal } from './proto';
import type { ParentInfo, RunHost } from './workflow-run';
import { WorkflowRun } from './workflow-run';
import { status } from '@grpc/grpc-js';

const ET = enums.EventType;
const WS = enums.WorkflowExecutionStatus;
type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

const DEFAULT_TASK_TIMEOUT_MS = 10_000;
const MAX_TASK_TIMEOUT_MS = 120_000;

/** Where a new run comes from, beyond its start request. */
export interface RunOrigin {
  parent?: ParentInfo;
  continuedFrom?: WorkflowRun;
  initiator?: number;
  firstExecutionRunId?: string;
  /** Absolute expiration of the whole chain of runs (execution timeout). */
  expirationTime?: number;
  /** The caller schedules the first workflow task itself. */
  deferFirstTask?: boolean;
  /** The run id chosen beforehand (the close event of the run before names it). */
  runId?: string;
  /** The attempt of a run retried under the workflow's retry policy. */
  attempt?: number;
  /** The first workflow task waits this long (retry backoff, next cron time). */
  firstTaskBackoffMs?: number;
  lastCompletionResult?: Payloads | null;
  continuedFailure?: Failure | null;
  /** Runs on the new run before its first workflow task is offered (update-with-start admits its update here). */
  beforeFirstTask?: (run: WorkflowRun) => void;
}

export function requireStartFields(req: StartRequest, method: string): void {
  if (!req.workflowId) throw invalidArgument(`${method}: workflowId is required`);
  if (!req.workflowType?.name) throw invalidArgument(`${method}: workflowType.name is required`);
  if (!req.taskQueue?.name) throw invalidArgument(`${method}: taskQueue.name is required`);
}

const FAILED_STATES = new Set<number>([
  WS.WORKFLOW_EXECUTION_STATUS_FAILED,
  WS.WORKFLOW_EXECUTION_STATUS_CANCELED,
  WS.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  WS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
]);

/**
 * Applies the id conflict policy (against a running run) and the id reuse policy
 * (against a closed one). Returns 'use-existing', 'terminate-existing' or 'start'.
 */
export function checkIdPolicies(req: StartRequest, current: WorkflowRun | undefined): 'use-existing' | 'terminate-existing' | 'start' {
  if (!current) return 'start';
  const reuse = Number(req.workflowIdReusePolicy ?? 0);
  const conflict = Number(req.workflowIdConflictPolicy ?? 0);
  if (current.isOpen) {
    if (conflict === enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return 'use-existing';
    if (
      conflict === enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ||
      reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING
    ) {
      return 'terminate-existing';
    }
    throw workflowAlreadyStarted(req, current);
  }
  if (reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
    throw alreadyExists(`workflow id ${req.workflowId} (reuse policy REJECT_DUPLICATE)`);
  }
  if (reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY && !FAILED_STATES.has(current.status)) {
    throw alreadyExists(`workflow id ${req.workflowId} (reuse policy ALLOW_DUPLICATE_FAILED_ONLY, last run did not fail)`);
  }
  return 'start';
}

function workflowAlreadyStarted(req: StartRequest, current: WorkflowRun): ServiceError {
  return new ServiceError(status.ALREADY_EXISTS, `Workflow execution is already running. WorkflowId: ${req.workflowId}, RunId: ${current.runId}.`, [
    { type: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', value: { startRequestId: current.startRequestId, runId: current.runId } },
  ]);
}

/** Creates the run and writes WorkflowExecutionStarted and its first workflow task. */
export function createRun(host: RunHost, namespace: string, req: StartRequest, origin: RunOrigin, identity: string): WorkflowRun {
  const runId = origin.runId ?? randomUUID();
  // A new cron workflow's first task waits for the first cron time (refused here when the cron does not parse).
  const backoffMs = origin.firstTaskBackoffMs ?? (req.cronSchedule ? nextCronTime(req.cronSchedule, host.now()) - host.now() : 0);
  const taskTimeoutMs = Math.min(durationMs(req.workflowTaskTimeout) ?? DEFAULT_TASK_TIMEOUT_MS, MAX_TASK_TIMEOUT_MS);
  const firstExecutionRunId = origin.firstExecutionRunId ?? runId;
  const run = new WorkflowRun(
    host, namespace, req.workflowId ?? '', runId, firstExecutionRunId, req.workflowType?.name ?? '', req.taskQueue?.name ?? '', taskTimeoutMs, origin.parent,
  );
  const executionTimeoutMs = durationMs(req.workflowExecutionTimeout);
  const runTimeoutMs = durationMs(req.workflowRunTimeout) ?? executionTimeoutMs;
  const expirationTime = origin.expirationTime ?? (executionTimeoutMs !== undefined ? run.startTime + executionTimeoutMs : undefined);
  run.memo = req.memo;
  run.searchAttributes = req.searchAttributes;
  run.executionTimeoutMs = executionTimeoutMs;
  run.runTimeoutMs = runTimeoutMs;
  run.expirationTime = expirationTime;
  run.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
    workflowType: req.workflowType,
    taskQueue: { name: run.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: req.input,
    workflowExecutionTimeout: req.workflowExecutionTimeout,
    workflowRunTimeout: toDuration(runTimeoutMs),
    workflowTaskTimeout: toDuration(taskTimeoutMs),
    identity,
    originalExecutionRunId: runId,
    firstExecutionRunId,
    continuedExecutionRunId: origin.continuedFrom?.runId,
    initiator: origin.initiator,
    attempt: origin.attempt ?? 1,
    firstWorkflowTaskBackoff: backoffMs > 0 ? toDuration(backoffMs) : undefined,
    lastCompletionResult: origin.lastCompletionResult ?? undefined,
    continuedFailure: origin.continuedFailure ?? undefined,
    header: req.header,
    memo: req.memo,
    searchAttributes: req.searchAttributes,
    retryPolicy: req.retryPolicy,
    cronSchedule: req.cronSchedule,
    workflowExecutionExpirationTime: expirationTime !== undefined ? toTimestamp(expirationTime) : undefined,
    parentWorkflowNamespace: origin.parent?.namespace,
    parentWorkflowExecution: origin.parent ? { workflowId: origin.parent.workflowId, runId: origin.parent.runId } : undefined,
    parentInitiatedEventId: origin.parent?.initiatedEventId,
    workflowId: req.workflowId,
    priority: req.priority,
  });
  const deadlines = [runTimeoutMs !== undefined ? run.startTime + runTimeoutMs : undefined, expirationTime].filter((t): t is number => t !== undefined);
  if (deadlines.length > 0) {
    run.alarmAt(Math.min(...deadlines), () => {
      if (run.isOpen) host.timeOut(run);
    });
  }
  origin.beforeFirstTask?.(run);
  if (backoffMs > 0) run.alarmAt(run.startTime + backoffMs, () => run.scheduleWorkflowTask());
  else if (!origin.deferFirstTask) run.scheduleWorkflowTask();
  return run;
}
