import { ServiceClock, type Alarm } from './clock';
import { TaskQueues, type QueuedTask } from './task-queues';
import { WorkflowRun } from './workflow-run';
import { dispatchActivity, type ActivityState } from './activity-state';
import { type CommandHost } from './workflow-commands';
import { checkIdPolicies, createRun, requireStartFields, type RunOrigin } from './workflow-start';
import { ChildWorkflows } from './child-workflows';
import { QueryDispatcher } from './queries';
import { enums, toTimestamp, type temporal } from './proto';
import { notFound } from './errors';
import { randomUUID } from 'node:crypto';
import { closeRun, type ChainedRun, type ChainHost, type RunClose } from './run-chain';
import { SearchAttributeRegistry } from './search-attributes';

const ET = enums.EventType;
const WS = enums.WorkflowExecutionStatus;
type WorkflowPoll = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type ActivityPoll = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;
type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

export const LONG_POLL_MS = 60_000;

/** In-memory state of one namespace: runs, task queues, the clock. */
export class Engine implements CommandHost, ChainHost {
  readonly runs = new Map<string, WorkflowRun>();
  private current = new Map<string, string>();
  private startRequestIds = new Map<string, string>();
  readonly workflowQueues: TaskQueues<WorkflowPoll>;
  readonly activityQueues: TaskQueues<ActivityPoll>;
  readonly children: ChildWorkflows;
  readonly queries: QueryDispatcher;
  /** The namespace's registered custom search attributes (OperatorService). */
  readonly searchAttributes: SearchAttributeRegistry;
  constructor(
    readonly clock: ServiceClock,
    readonly namespace: string,
  ) {
    this.workflowQueues = new TaskQueues<WorkflowPoll>(LONG_POLL_MS, () => this.changed());
    this.activityQueues = new TaskQueues<ActivityPoll>(LONG_POLL_MS, () => this.changed());
    this.children = new ChildWorkflows(this);
    this.queries = new QueryDispatcher(this);
    this.searchAttributes = new SearchAttributeRegistry(namespace);
    clock.setInFlight(() => this.inFlight());
  }

  now(): number {
    return this.clock.now();
  }

  at(time: number, fire: () => void): Alarm {
    return this.clock.at(time, fire);
  }

  changed(): void {
    this.clock.poke();
  }

  /**
   * What is in flight, as Temporal's test server counts its time locks: each workflow task
   * scheduled or running, each activity queued or running (one waiting out its retry
   * backoff does not count), each query pending.
   */
  inFlight(): number {
    let count = this.queries.outstanding();
    for (const run of this.runs.values()) {
      if (!run.isOpen) continue;
      if (run.wft.state !== 'none') count += 1;
      for (const a of run.activities.values()) if (a.phase !== 'backoff') count += 1;
    }
    return count;
  }

  getRun(workflowId: string, runId?: string | null): WorkflowRun {
    const id = runId || this.current.get(workflowId);
    const run = id ? this.runs.get(id) : undefined;
    if (!run || run.workflowId !== workflowId) {
      throw notFound(`workflow execution ${workflowId}${runId ? ` (run ${runId})` : ''}`);
    }
    return run;
  }

  findRun(workflowId: string, runId?: string | null): WorkflowRun | undefined {
    const id = runId || this.current.get(workflowId);
    const run = id ? this.runs.get(id) : undefined;
    return run && run.workflowId === workflowId ? run : undefined;
  }

  /** StartWorkflowExecution semantics: request-id de-duplication, id policies, then a new run. */
  startWorkflow(req: StartRequest, origin: RunOrigin = {}): { run: WorkflowRun; started: boolean } {
    requireStartFields(req, 'StartWorkflowExecution');
    if (req.requestId) {
      const seen = this.startRequestIds.get(req.requestId);
      const run = seen ? this.runs.get(seen) : undefined;
      if (run) return { run, started: true };
    }
    const existing = this.findRun(req.workflowId ?? '');
    const decision = checkIdPolicies(req, existing);
    if (decision === 'use-existing' && existing) return { run: existing, started: false };
    if (decision === 'terminate-existing' && existing) {
      this.terminate(existing, 'terminated by id conflict policy', undefined, req.identity ?? '');
    }
    const run = this.createRun(req, origin);
    run.startRequestId = req.requestId || randomUUID();
    this.startRequestIds.set(run.startRequestId, run.runId);
    return { run, started: true };
  }

  createRun(req: StartRequest, origin: RunOrigin): WorkflowRun {
    const run = createRun(this, this.namespace, req, origin, req.identity ?? '');
    this.runs.set(run.runId, run);
    this.current.set(run.workflowId, run.runId);
    this.changed();
    return run;
  }

  enqueueWorkflowTask(run: WorkflowRun): void {
    const { scheduledEventId, attempt } = run.wft;
    const task: QueuedTask<WorkflowPoll> = {
      isLive: () => run.isOpen && run.wft.state === 'scheduled' && run.wft.scheduledEventId === scheduledEventId,
      dispatch: (identity) => {
        if (!task.isLive()) return undefined;
        if (!run.startWorkflowTask(identity, `${run.runId}-${scheduledEventId}`)) return undefined;
        return this.workflowTaskResponse(run, attempt);
      },
    };
    this.workflowQueues.enqueue(run.taskQueue, task);
  }

  /** The poll response for the run's started workflow task (also the eager start's task). */
  workflowTaskResponse(run: WorkflowRun, attempt: number): WorkflowPoll {
    const token = { k: 'workflow', ns: run.namespace, wid: run.workflowId, rid: run.runId, sid: run.wft.scheduledEventId, att: attempt };
    return {
      taskToken: Buffer.from(JSON.stringify(token)),
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
      workflowType: { name: run.workflowType },
      previousStartedEventId: run.previousStartedEventId,
      startedEventId: run.wft.startedEventId,
      attempt,
      backlogCountHint: this.workflowQueues.backlog(run.taskQueue),
      history: { events: run.events.slice() },
      messages: run.updates.messagesFor(run.wft.startedEventId),
      nextPageToken: Buffer.alloc(0),
      workflowExecutionTaskQueue: { name: run.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      scheduledTime: toTimestamp(run.wft.scheduledAt),
      startedTime: toTimestamp(run.wft.startedAt),
    } as unknown as WorkflowPoll;
  }

  enqueueActivityTask(run: WorkflowRun, activity: ActivityState): void {
    const attempt = activity.attempt;
    const isLive = () => run.isOpen && run.activities.get(activity.scheduledEventId) === activity && activity.phase === 'queued' && activity.attempt === attempt;
    this.activityQueues.enqueue(activity.taskQueue, {
      isLive,
      dispatch: (identity) => (isLive() ? dispatchActivity(run, activity, attempt, identity) : undefined),
    });
  }

  dispatchWaitingQueries(run: WorkflowRun): void {
    this.queries.dispatchWaiting(run);
  }

  runClosed(run: WorkflowRun): void {
    this.children.runClosed(run);
    this.queries.dispatchWaiting(run);
  }

  runTimeoutMs(run: WorkflowRun): number | undefined {
    return run.runTimeoutMs;
  }

  startChild(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes): void {
    this.children.start(run, initiatedEventId, attrs);
  }

  signalExternal(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes): void {
    this.children.signalExternal(run, initiatedEventId, attrs);
  }

  cancelExternal(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes): void {
    this.children.cancelExternal(run, initiatedEventId, attrs);
  }

  continueAsNew(run: WorkflowRun, attrs: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes, completedEventId: number): void {
    const req: StartRequest = {
      namespace: run.namespace,
      workflowId: run.workflowId,
      workflowType: attrs.workflowType?.name ? attrs.workflowType : { name: run.workflowType },
      taskQueue: attrs.taskQueue?.name ? attrs.taskQueue : { name: run.taskQueue },
      input: attrs.input,
      workflowRunTimeout: attrs.workflowRunTimeout,
      workflowTaskTimeout: attrs.workflowTaskTimeout,
      header: attrs.header,
      memo: attrs.memo ?? run.memo,
      searchAttributes: attrs.searchAttributes ?? run.searchAttributes,
      retryPolicy: attrs.retryPolicy,
    };
    const newRunId = this.peekNextRun(run, req);
    run.newExecutionRunId = newRunId.runId;
    run.updates.closeRun((update) => newRunId.updates.readmit(update));
    run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
      newExecutionRunId: newRunId.runId,
      workflowType: req.workflowType,
      taskQueue: { name: req.taskQueue?.name, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: attrs.input,
      workflowRunTimeout: attrs.workflowRunTimeout,
      workflowTaskTimeout: attrs.workflowTaskTimeout,
      workflowTaskCompletedEventId: completedEventId,
      backoffStartInterval: attrs.backoffStartInterval,
      initiator: attrs.initiator || enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
      header: attrs.header,
      memo: req.memo,
      searchAttributes: req.searchAttributes,
    }, WS.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
    this.runs.set(newRunId.runId, newRunId);
    this.current.set(newRunId.workflowId, newRunId.runId);
    newRunId.scheduleWorkflowTask();
    this.changed();
  }

  /** Builds the continuing run (its first workflow task comes after the close event) so its id can go into that event. */
  private peekNextRun(run: WorkflowRun, req: StartRequest): WorkflowRun {
    return createRun(this, this.namespace, req, {
      parent: run.parent, continuedFrom: run, initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
      firstExecutionRunId: run.firstExecutionRunId, expirationTime: run.expirationTime, deferFirstTask: true,
    }, '');
  }

  /** A new update waits for a workflow task: a speculative one when none is scheduled or running. */
  deliverUpdates(run: WorkflowRun): void {
    if (run.wft.state === 'none') run.scheduleWorkflowTask(true);
    this.changed();
  }

  /** Completion, failure or timeout of a run: retried or continued by cron when the run says so. */
  closeRun(run: WorkflowRun, close: RunClose): void {
    closeRun(this, run, close, randomUUID());
  }

  timeOut(run: WorkflowRun): void {
    this.closeRun(run, { kind: 'timed_out' });
  }

  startChainedRun(run: WorkflowRun, next: ChainedRun): WorkflowRun {
    const started = run.events[0]?.workflowExecutionStartedEventAttributes ?? {};
    const req: StartRequest = {
      namespace: run.namespace, workflowId: run.workflowId, workflowType: started.workflowType, taskQueue: { name: run.taskQueue },
      input: started.input, workflowExecutionTimeout: started.workflowExecutionTimeout, workflowRunTimeout: started.workflowRunTimeout,
      workflowTaskTimeout: started.workflowTaskTimeout, header: started.header, memo: run.memo, searchAttributes: run.searchAttributes,
      retryPolicy: started.retryPolicy, cronSchedule: started.cronSchedule,
    };
    const created = createRun(this, this.namespace, req, {
      runId: next.newRunId, parent: run.parent, continuedFrom: run, initiator: next.initiator, firstExecutionRunId: run.firstExecutionRunId,
      expirationTime: run.expirationTime, attempt: next.attempt, firstTaskBackoffMs: next.backoffMs, deferFirstTask: true,
      lastCompletionResult: next.lastCompletionResult, continuedFailure: next.continuedFailure,
    }, '');
    this.runs.set(created.runId, created);
    this.current.set(created.workflowId, created.runId);
    if (next.backoffMs <= 0) created.scheduleWorkflowTask();
    this.changed();
    return created;
  }

  requestCancel(run: WorkflowRun, attrs: object): void {
    if (run.cancelRequested) return;
    run.cancelRequested = true;
    run.addExternalEvent(() => run.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, attrs));
  }

  terminate(run: WorkflowRun, reason: string, details: temporal.api.common.v1.IPayloads | null | undefined, identity: string): void {
    if (!run.isOpen) return;
    if (run.wft.state === 'started') {
      run.failWorkflowTask(enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND, undefined, identity, false);
    } else {
      run.flushBuffered();
    }
    run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, { reason, details, identity }, WS.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  shutdown(): void {
    this.clock.stop();
    this.workflowQueues.releaseAll();
    this.activityQueues.releaseAll();
    this.queries.rejectAll();
  }
}
