import { randomUUID } from 'node:crypto';
import { ServiceError, alreadyExists, invalidArgument } from './errors';
import { durationMs, enums, toDuration, toTimestamp, type temporal } from './proto';
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
  return new ServiceError(status.ALREADY_EXISTS, `Workflow execution is already running. WorkflowId: ${req.workflowId}, RunId: ${current.runId}.`);
}

/** Creates the run and writes WorkflowExecutionStarted and its first workflow task. */
export function createRun(host: RunHost, namespace: string, req: StartRequest, origin: RunOrigin, identity: string): WorkflowRun {
  const runId = randomUUID();
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
    attempt: 1,
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
      if (!run.isOpen) return;
      run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, { retryState: enums.RetryState.RETRY_STATE_TIMEOUT }, WS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    });
  }
  origin.beforeFirstTask?.(run);
  if (!origin.deferFirstTask) run.scheduleWorkflowTask();
  return run;
}
