import type { Alarm } from './clock';
import { decideActivityRetry, withRetryDefaults, type RetryPolicyMs } from './activity-retry';
import { durationMs, enums, toDuration, toTimestamp, type Failure, type Payloads, type temporal } from './proto';
import type { WorkflowRun } from './workflow-run';

const ET = enums.EventType;
type ScheduleCommand = temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;
type PollResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

/** One scheduled activity of a run, across its attempts. */
export interface ActivityState {
  scheduledEventId: number;
  command: ScheduleCommand;
  taskQueue: string;
  scheduleToCloseMs?: number;
  scheduleToStartMs?: number;
  startToCloseMs?: number;
  heartbeatMs?: number;
  retryPolicy: RetryPolicyMs;
  scheduledTime: number;
  attempt: number;
  attemptScheduledTime: number;
  phase: 'queued' | 'started' | 'backoff';
  startedTime?: number;
  identity?: string;
  requestId?: string;
  heartbeatDetails?: Payloads;
  lastFailure?: Failure;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
  attemptAlarms: Alarm[];
  host: ActivityHost;
}

/** What the activity lifecycle needs from the service. */
export interface ActivityHost {
  enqueueActivityTask(run: WorkflowRun, activity: ActivityState): void;
}

/** Encodes which attempt of which activity a worker holds. */
export function activityTaskToken(run: WorkflowRun, a: ActivityState): Buffer {
  return Buffer.from(JSON.stringify({ k: 'activity', ns: run.namespace, wid: run.workflowId, rid: run.runId, sid: a.scheduledEventId, att: a.attempt }));
}

export function scheduleActivity(host: ActivityHost, run: WorkflowRun, cmd: ScheduleCommand, completedEventId: number, runTimeoutMs?: number): void {
  const scheduleToCloseMs = durationMs(cmd.scheduleToCloseTimeout) ?? runTimeoutMs;
  const startToCloseMs = durationMs(cmd.startToCloseTimeout) ?? scheduleToCloseMs;
  const scheduleToStartMs = durationMs(cmd.scheduleToStartTimeout) ?? scheduleToCloseMs;
  let heartbeatMs = durationMs(cmd.heartbeatTimeout);
  if (heartbeatMs !== undefined && startToCloseMs !== undefined) heartbeatMs = Math.min(heartbeatMs, startToCloseMs);
  const rp = cmd.retryPolicy;
  const retryPolicy = withRetryDefaults({
    initialIntervalMs: durationMs(rp?.initialInterval),
    backoffCoefficient: rp?.backoffCoefficient ?? undefined,
    maximumIntervalMs: durationMs(rp?.maximumInterval),
    maximumAttempts: rp?.maximumAttempts ?? undefined,
    nonRetryableErrorTypes: rp?.nonRetryableErrorTypes ?? undefined,
  });
  const taskQueue = cmd.taskQueue?.name || run.taskQueue;
  const scheduledEventId = run.append(ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
    activityId: cmd.activityId,
    activityType: cmd.activityType,
    taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    header: cmd.header,
    input: cmd.input,
    scheduleToCloseTimeout: toDuration(scheduleToCloseMs ?? 0),
    scheduleToStartTimeout: toDuration(scheduleToStartMs ?? 0),
    startToCloseTimeout: toDuration(startToCloseMs ?? 0),
    heartbeatTimeout: toDuration(heartbeatMs ?? 0),
    workflowTaskCompletedEventId: completedEventId,
    retryPolicy: {
      initialInterval: toDuration(retryPolicy.initialIntervalMs),
      backoffCoefficient: retryPolicy.backoffCoefficient,
      maximumInterval: toDuration(retryPolicy.maximumIntervalMs),
      maximumAttempts: retryPolicy.maximumAttempts,
      nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes,
    },
    useWorkflowBuildId: cmd.useWorkflowBuildId,
    priority: cmd.priority,
  });
  const now = run.host.now();
  const activity: ActivityState = {
    scheduledEventId, command: cmd, taskQueue, scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatMs, retryPolicy,
    scheduledTime: now, attempt: 1, attemptScheduledTime: now, phase: 'queued', cancelRequested: false, attemptAlarms: [], host,
  };
  run.activities.set(scheduledEventId, activity);
  if (scheduleToCloseMs !== undefined) {
    run.alarmAt(now + scheduleToCloseMs, () => timeOut(run, activity, enums.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, activity.attempt));
  }
  queueAttempt(host, run, activity);
}

function queueAttempt(host: ActivityHost, run: WorkflowRun, a: ActivityState): void {
  a.phase = 'queued';
  a.attemptScheduledTime = run.host.now();
  clearAttemptAlarms(a);
  if (a.scheduleToStartMs !== undefined) {
    const attempt = a.attempt;
    a.attemptAlarms.push(run.alarmAt(a.attemptScheduledTime + a.scheduleToStartMs, () => timeOut(run, a, enums.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, attempt)));
  }
  host.enqueueActivityTask(run, a);
}

function clearAttemptAlarms(a: ActivityState): void {
  for (const alarm of a.attemptAlarms.splice(0)) alarm.cancel();
}

/** A poller takes the queued attempt; returns the poll response, or undefined when stale. */
export function dispatchActivity(run: WorkflowRun, a: ActivityState, attempt: number, identity: string): PollResponse | undefined {
  if (!run.isOpen || run.activities.get(a.scheduledEventId) !== a || a.phase !== 'queued' || a.attempt !== attempt) return undefined;
  const now = run.host.now();
  a.phase = 'started';
  a.startedTime = now;
  a.identity = identity;
  a.requestId = `${a.scheduledEventId}-${a.attempt}`;
  clearAttemptAlarms(a);
  if (a.startToCloseMs !== undefined) {
    a.attemptAlarms.push(run.alarmAt(now + a.startToCloseMs, () => timeOut(run, a, enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, attempt)));
  }
  armHeartbeatTimeout(run, a);
  const cmd = a.command;
  return {
    taskToken: activityTaskToken(run, a),
    workflowNamespace: run.namespace,
    workflowType: { name: run.workflowType },
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    activityType: cmd.activityType,
    activityId: cmd.activityId,
    header: cmd.header,
    input: cmd.input,
    heartbeatDetails: a.heartbeatDetails,
    scheduledTime: toTimestamp(a.scheduledTime),
    currentAttemptScheduledTime: toTimestamp(a.attemptScheduledTime),
    startedTime: toTimestamp(now),
    attempt: a.attempt,
    scheduleToCloseTimeout: toDuration(a.scheduleToCloseMs ?? 0),
    startToCloseTimeout: toDuration(a.startToCloseMs ?? 0),
    heartbeatTimeout: toDuration(a.heartbeatMs ?? 0),
    retryPolicy: cmd.retryPolicy,
  };
}

function armHeartbeatTimeout(run: WorkflowRun, a: ActivityState): void {
  if (a.heartbeatMs === undefined) return;
  const attempt = a.attempt;
  const alarm = run.alarmAt(run.host.now() + a.heartbeatMs, () => timeOut(run, a, enums.TimeoutType.TIMEOUT_TYPE_HEARTBEAT, attempt));
  a.attemptAlarms.push(alarm);
}

/** Records a heartbeat; returns whether the workflow asked to cancel the activity. */
export function heartbeat(run: WorkflowRun, a: ActivityState, details: Payloads | null | undefined): boolean {
  if (details) a.heartbeatDetails = details;
  if (a.heartbeatMs !== undefined) {
    const keep = a.attemptAlarms.slice(0, a.startToCloseMs !== undefined ? 1 : 0);
    for (const alarm of a.attemptAlarms.slice(keep.length)) alarm.cancel();
    a.attemptAlarms = keep;
    armHeartbeatTimeout(run, a);
  }
  return a.cancelRequested;
}

/** Writes ActivityTaskStarted for the attempt that ends now. */
function writeStarted(run: WorkflowRun, a: ActivityState): number {
  return run.append(ET.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
    scheduledEventId: a.scheduledEventId,
    identity: a.identity,
    requestId: a.requestId,
    attempt: a.attempt,
    lastFailure: a.lastFailure,
  });
}

function finish(run: WorkflowRun, a: ActivityState, write: () => void): void {
  clearAttemptAlarms(a);
  run.activities.delete(a.scheduledEventId);
  run.addExternalEvent(write);
}

export function completeActivity(run: WorkflowRun, a: ActivityState, result: Payloads | null | undefined, identity: string): void {
  finish(run, a, () => {
    const startedEventId = writeStarted(run, a);
    run.append(ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { result, scheduledEventId: a.scheduledEventId, startedEventId, identity });
  });
}

export function cancelActivityResponded(run: WorkflowRun, a: ActivityState, details: Payloads | null | undefined, identity: string): void {
  finish(run, a, () => {
    const startedEventId = writeStarted(run, a);
    run.append(ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED, {
      details, scheduledEventId: a.scheduledEventId, startedEventId, latestCancelRequestedEventId: a.cancelRequestedEventId ?? 0, identity,
    });
  });
}

/** An attempt failed: retry after backoff when the policy allows, else record ActivityTaskFailed. */
export function failActivity(host: ActivityHost, run: WorkflowRun, a: ActivityState, failure: Failure, identity: string): void {
  const info = failure.applicationFailureInfo;
  const decision = decideActivityRetry({
    policy: a.retryPolicy,
    attempt: a.attempt,
    failure: { type: info?.type ?? undefined, nonRetryable: info?.nonRetryable ?? undefined, nextRetryDelayMs: durationMs(info?.nextRetryDelay) },
    now: run.host.now(),
    deadline: a.scheduleToCloseMs !== undefined ? a.scheduledTime + a.scheduleToCloseMs : undefined,
  });
  if (decision.retry && !a.cancelRequested) {
    retryLater(host, run, a, failure, decision.delayMs);
    return;
  }
  a.lastFailure = undefined;
  finish(run, a, () => {
    const startedEventId = writeStarted(run, a);
    run.append(ET.EVENT_TYPE_ACTIVITY_TASK_FAILED, {
      failure, scheduledEventId: a.scheduledEventId, startedEventId, identity,
      retryState: decision.retry ? enums.RetryState.RETRY_STATE_CANCEL_REQUESTED : decision.retryState,
    });
  });
}

function retryLater(host: ActivityHost, run: WorkflowRun, a: ActivityState, failure: Failure, delayMs: number): void {
  clearAttemptAlarms(a);
  a.phase = 'backoff';
  a.lastFailure = failure;
  a.attempt += 1;
  a.attemptAlarms.push(run.alarmAt(run.host.now() + delayMs, () => queueAttempt(host, run, a)));
  run.host.changed();
}

function timeoutFailure(timeoutType: number, details: Payloads | undefined): Failure {
  const name = { 1: 'StartToClose', 2: 'ScheduleToStart', 3: 'ScheduleToClose', 4: 'Heartbeat' }[timeoutType] ?? 'Unknown';
  return { message: `activity ${name} timeout`, source: 'Server', timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: details } } as Failure;
}

function timeOut(run: WorkflowRun, a: ActivityState, timeoutType: number, attempt: number): void {
  if (!run.isOpen || run.activities.get(a.scheduledEventId) !== a) return;
  if (timeoutType !== enums.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE && a.attempt !== attempt) return;
  const failure = timeoutFailure(timeoutType, a.heartbeatDetails);
  const retriable = timeoutType === enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE || timeoutType === enums.TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
  let retryState: number = enums.RetryState.RETRY_STATE_TIMEOUT;
  if (retriable) {
    const decision = decideActivityRetry({
      policy: a.retryPolicy, attempt: a.attempt, failure: {}, now: run.host.now(),
      deadline: a.scheduleToCloseMs !== undefined ? a.scheduledTime + a.scheduleToCloseMs : undefined,
    });
    if (decision.retry && !a.cancelRequested) {
      retryLater(a.host, run, a, failure, decision.delayMs);
      return;
    }
    retryState = decision.retry ? enums.RetryState.RETRY_STATE_CANCEL_REQUESTED : decision.retryState;
  }
  const wasStarted = a.phase === 'started';
  finish(run, a, () => {
    const startedEventId = wasStarted ? writeStarted(run, a) : 0;
    run.append(ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, { failure, scheduledEventId: a.scheduledEventId, startedEventId, retryState });
  });
}

/** RequestCancelActivityTask: cancels at once when not running, else flags it for the next heartbeat. */
export function requestCancelActivity(run: WorkflowRun, scheduledEventId: number, completedEventId: number): void {
  const cancelRequestedEventId = run.append(ET.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, { scheduledEventId, workflowTaskCompletedEventId: completedEventId });
  const a = run.activities.get(scheduledEventId);
  if (!a) return;
  a.cancelRequested = true;
  a.cancelRequestedEventId = cancelRequestedEventId;
  if (a.phase !== 'started') {
    clearAttemptAlarms(a);
    run.activities.delete(scheduledEventId);
    run.append(ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED, { scheduledEventId, startedEventId: 0, latestCancelRequestedEventId: cancelRequestedEventId });
    run.afterCommit.push(() => run.scheduleWorkflowTask());
  }
}
