import type { Alarm } from './clock';
import { HistoryLog } from './history';
import type { ActivityState } from './activity-state';
import { UpdateRegistry } from './updates';
import { enums, type HistoryEvent, type Payloads, type temporal } from './proto';

type Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const ET = enums.EventType;

/** What a run needs from the service around it. */
export interface RunHost {
  now(): number;
  at(time: number, fire: () => void): Alarm;
  enqueueWorkflowTask(run: WorkflowRun): void;
  dispatchWaitingQueries(run: WorkflowRun): void;
  runClosed(run: WorkflowRun): void;
  /** The run's timeout passed: close it (retried or continued by cron when it says so). */
  timeOut(run: WorkflowRun): void;
  changed(): void;
}

export interface ParentInfo {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface ChildInfo {
  initiatedEventId: number;
  workflowId: string;
  workflowType: string;
  namespace: string;
  parentClosePolicy: number;
  runId?: string;
  startedEventId?: number;
}

export interface WorkflowTaskState {
  state: 'none' | 'scheduled' | 'started';
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  scheduledAt: number;
  startedAt: number;
  timeout?: Alarm;
  /** Scheduled only to deliver updates: dropped from the history if it ends with nothing to keep. */
  speculative?: boolean;
}

/** Mutable state of one workflow run: its history and what is pending in it. */
export class WorkflowRun {
  readonly history: HistoryLog;
  status: Status = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  /** The start request's id (Temporal's frontend makes one up when a caller sends none). */
  startRequestId = '';
  closeTime?: number;
  readonly startTime: number;
  wft: WorkflowTaskState = { state: 'none', scheduledEventId: 0, startedEventId: 0, attempt: 1, scheduledAt: 0, startedAt: 0 };
  previousStartedEventId = 0;
  /** Events that arrived while a workflow task was running; written when it ends. */
  private buffered: (() => void)[] = [];
  readonly activities = new Map<number, ActivityState>();
  readonly timers = new Map<string, { startedEventId: number; alarm: Alarm }>();
  readonly children = new Map<number, ChildInfo>();
  readonly updates = new UpdateRegistry();
  /** Events that some post-commit step must act upon (child starts, external signals...). */
  readonly afterCommit: (() => void)[] = [];
  private alarms: Alarm[] = [];
  cancelRequested = false;
  memo: temporal.api.common.v1.IMemo | null | undefined;
  searchAttributes: temporal.api.common.v1.ISearchAttributes | null | undefined;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  expirationTime?: number;
  /** The run that continued this one (continue-as-new, retry, cron), once closed. */
  newExecutionRunId?: string;

  constructor(
    readonly host: RunHost,
    readonly namespace: string,
    readonly workflowId: string,
    readonly runId: string,
    readonly firstExecutionRunId: string,
    readonly workflowType: string,
    readonly taskQueue: string,
    readonly workflowTaskTimeoutMs: number,
    readonly parent: ParentInfo | undefined,
  ) {
    this.history = new HistoryLog(() => host.now());
    this.startTime = host.now();
  }

  get isOpen(): boolean {
    return this.status === enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  get events(): HistoryEvent[] {
    return this.history.events;
  }

  append(type: number, attributes: object): number {
    return Number(this.history.append(type, attributes).eventId);
  }

  /** Registers an alarm to be cancelled when the run closes. */
  alarmAt(time: number, fire: () => void): Alarm {
    const alarm = this.host.at(time, () => {
      this.alarms = this.alarms.filter((a) => a !== alarm);
      fire();
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** An event from outside the workflow task: written now, or buffered while a task runs; asks for a task. */
  addExternalEvent(write: () => void, needsWorkflowTask = true): void {
    if (!this.isOpen) return;
    if (this.wft.state === 'started') {
      this.buffered.push(write);
    } else {
      write();
      if (needsWorkflowTask) this.scheduleWorkflowTask();
    }
    this.host.changed();
  }

  hasBufferedEvents(): boolean {
    return this.buffered.length > 0;
  }

  /** Writes buffered events; returns whether there were any. */
  flushBuffered(): boolean {
    const pending = this.buffered;
    this.buffered = [];
    for (const write of pending) write();
    return pending.length > 0;
  }

  /** Writes WorkflowTaskScheduled; `enqueue` false keeps the task out of matching (an eager start starts it at once). */
  scheduleWorkflowTask(speculative = false, enqueue = true): void {
    if (!this.isOpen || this.wft.state !== 'none') return;
    const scheduledEventId = this.append(ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {
      taskQueue: { name: this.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      startToCloseTimeout: { seconds: Math.ceil(this.workflowTaskTimeoutMs / 1000) },
      attempt: this.wft.attempt,
    });
    this.wft = { ...this.wft, state: 'scheduled', scheduledEventId, startedEventId: 0, scheduledAt: this.host.now(), speculative };
    if (enqueue) this.host.enqueueWorkflowTask(this);
  }

  /** The poller took the scheduled task: write WorkflowTaskStarted and arm its timeout. */
  startWorkflowTask(identity: string, requestId: string): boolean {
    if (!this.isOpen || this.wft.state !== 'scheduled') return false;
    const startedEventId = this.append(ET.EVENT_TYPE_WORKFLOW_TASK_STARTED, {
      scheduledEventId: this.wft.scheduledEventId,
      identity,
      requestId,
      historySizeBytes: this.history.approximateSizeBytes(),
    });
    const scheduledEventId = this.wft.scheduledEventId;
    const timeout = this.alarmAt(this.host.now() + this.workflowTaskTimeoutMs, () => this.timeOutWorkflowTask(scheduledEventId));
    this.wft = { ...this.wft, state: 'started', startedEventId, startedAt: this.host.now(), timeout };
    return true;
  }

  /** The started task matches `scheduledEventId` and `attempt`. */
  isCurrentTask(scheduledEventId: number, attempt: number): boolean {
    return this.isOpen && this.wft.state === 'started' && this.wft.scheduledEventId === scheduledEventId && this.wft.attempt === attempt;
  }

  /**
   * A speculative task whose events are still the last in the history (nothing arrived
   * meanwhile): it can end leaving no trace, as Temporal drops a rejected update's task.
   */
  canDropSpeculativeTask(): boolean {
    return Boolean(this.wft.speculative) && this.wft.state === 'started' && this.wft.startedEventId === this.history.nextEventId - 1
      && this.wft.scheduledEventId === this.wft.startedEventId - 1 && !this.hasBufferedEvents();
  }

  dropSpeculativeTask(): void {
    this.wft.timeout?.cancel();
    this.history.truncate(this.wft.scheduledEventId - 1);
    this.wft = { ...this.wft, state: 'none', attempt: 1, timeout: undefined, speculative: false };
  }

  /** Ends the running task as completed; the caller then applies its commands. */
  recordWorkflowTaskCompleted(attributes: object): number {
    this.wft.timeout?.cancel();
    const id = this.append(ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, {
      scheduledEventId: this.wft.scheduledEventId,
      startedEventId: this.wft.startedEventId,
      ...attributes,
    });
    this.previousStartedEventId = this.wft.startedEventId;
    this.wft = { ...this.wft, state: 'none', attempt: 1, timeout: undefined };
    return id;
  }

  /** Ends the running task as failed and schedules the next attempt. */
  failWorkflowTask(cause: number, failure: object | null | undefined, identity: string, retry = true): void {
    this.wft.timeout?.cancel();
    this.append(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      scheduledEventId: this.wft.scheduledEventId,
      startedEventId: this.wft.startedEventId,
      cause,
      failure: failure ?? undefined,
      identity,
    });
    this.wft = { ...this.wft, state: 'none', attempt: this.wft.attempt + 1, timeout: undefined };
    this.updates.resend();
    this.flushBuffered();
    if (retry) this.scheduleWorkflowTask();
    this.host.changed();
  }

  private timeOutWorkflowTask(scheduledEventId: number): void {
    if (!this.isOpen || this.wft.state !== 'started' || this.wft.scheduledEventId !== scheduledEventId) return;
    this.append(ET.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
      scheduledEventId,
      startedEventId: this.wft.startedEventId,
      timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    });
    this.wft = { ...this.wft, state: 'none', attempt: this.wft.attempt + 1, timeout: undefined };
    this.updates.resend();
    this.flushBuffered();
    this.scheduleWorkflowTask();
    this.host.changed();
  }

  /** After a task's commands were applied: write what arrived meanwhile, ask for the next task. */
  finishWorkflowTask(forceNewTask: boolean): void {
    const hadBuffered = this.flushBuffered();
    if (this.isOpen && (hadBuffered || forceNewTask)) this.scheduleWorkflowTask();
    if (this.isOpen && this.updates.hasUndelivered()) this.scheduleWorkflowTask(true);
    const steps = this.afterCommit.splice(0);
    for (const step of steps) step();
    if (this.wft.state === 'none') this.host.dispatchWaitingQueries(this);
    this.host.changed();
  }

  /** Writes the close event and releases everything pending; `newExecutionRunId` names the run that continues the chain. */
  close(type: number, attributes: object, status: Status, newExecutionRunId?: string): number {
    if (newExecutionRunId) this.newExecutionRunId = newExecutionRunId;
    if (this.wft.state === 'started') {
      this.wft.timeout?.cancel();
    }
    const id = this.append(type, attributes);
    this.status = status;
    this.closeTime = this.host.now();
    this.wft = { ...this.wft, state: 'none', timeout: undefined };
    this.buffered = [];
    this.updates.closeRun();
    for (const alarm of this.alarms.splice(0)) alarm.cancel();
    for (const timer of this.timers.values()) timer.alarm.cancel();
    this.host.runClosed(this);
    this.host.changed();
    return id;
  }

  closeEvent(): HistoryEvent | undefined {
    return this.isOpen ? undefined : this.history.lastEvent;
  }

  /** Result payloads when completed (for children and describe). */
  completedResult(): Payloads | undefined {
    return this.closeEvent()?.workflowExecutionCompletedEventAttributes?.result ?? undefined;
  }
}
