import { status } from '@grpc/grpc-js';
import { ServiceError, invalidArgument } from './errors';
import { cancelActivityResponded, completeActivity, failActivity, heartbeat, type ActivityState } from './activity-state';
import { applyCommands, hasCloseCommand } from './workflow-commands';
import { UpdateMessages } from './update-protocol';
import { parseTaskToken } from './task-tokens';
import { durationMs, enums, type temporal } from './proto';
import { withRetryDefaults } from './activity-retry';
import { refuseBadSearchAttributes } from './search-attribute-commands';
import type { Engine } from './engine';
import type { WorkflowRun } from './workflow-run';

type ws = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof ws> = ws[K] extends { create(p?: infer P): unknown } ? NonNullable<P> : never;
export type RpcContext = { isCancelled(): boolean };
export type Rpc = (req: never, ctx: RpcContext) => Promise<object> | object;

const taskNotFound = (what: string) => new ServiceError(status.NOT_FOUND, `${what} not found (completed, timed out or its workflow closed)`);

function activityFromToken(engine: Engine, raw: Uint8Array | null | undefined, method: string): { run: WorkflowRun; activity: ActivityState } {
  const t = parseTaskToken(raw, 'activity', method);
  const run = engine.findRun(t.wid, t.rid);
  const activity = run?.activities.get(t.sid);
  if (!run || !run.isOpen || !activity || activity.attempt !== t.att || activity.phase !== 'started') throw taskNotFound('activity task');
  return { run, activity };
}

function activityById(engine: Engine, req: { workflowId?: string | null; runId?: string | null; activityId?: string | null }): { run: WorkflowRun; activity: ActivityState } {
  const run = engine.findRun(req.workflowId ?? '', req.runId);
  const activity = run ? [...run.activities.values()].find((a) => a.command.activityId === req.activityId) : undefined;
  if (!run || !run.isOpen || !activity || activity.phase !== 'started') throw taskNotFound(`activity ${req.activityId}`);
  return { run, activity };
}

/** Checks what would fail half-way through applying the commands; returns the problem, if any. */
function invalidCommand(commands: temporal.api.command.v1.ICommand[]): string | undefined {
  for (const c of commands) {
    const attrs = c.scheduleActivityTaskCommandAttributes;
    if (!attrs) continue;
    const rp = attrs.retryPolicy;
    try {
      withRetryDefaults({
        initialIntervalMs: durationMs(rp?.initialInterval), maximumIntervalMs: durationMs(rp?.maximumInterval),
        maximumAttempts: rp?.maximumAttempts ?? undefined,
      });
    } catch (err) {
      return `activity ${attrs.activityId}: ${(err as Error).message}`;
    }
    if (!durationMs(attrs.startToCloseTimeout) && !durationMs(attrs.scheduleToCloseTimeout)) {
      return `activity ${attrs.activityId}: startToCloseTimeout or scheduleToCloseTimeout is required`;
    }
  }
  return undefined;
}

/** The RPCs a worker calls: polls, task completions, heartbeats. */
export function workerRpcs(engine: Engine): Record<string, Rpc> {
  const rpcs = {
    async PollWorkflowTaskQueue(req: Req<'PollWorkflowTaskQueueRequest'>, ctx: RpcContext) {
      const name = req.taskQueue?.name;
      if (!name) throw invalidArgument('PollWorkflowTaskQueue: taskQueue.name is required');
      const { response } = engine.workflowQueues.poll(name, req.identity ?? '', () => ctx.isCancelled());
      return (await response) ?? {};
    },
    RespondWorkflowTaskCompleted(req: Req<'RespondWorkflowTaskCompletedRequest'>) {
      const t = parseTaskToken(req.taskToken, 'workflow', 'RespondWorkflowTaskCompleted');
      const run = engine.findRun(t.wid, t.rid);
      if (!run || !run.isCurrentTask(t.sid, t.att)) throw taskNotFound('workflow task');
      const commands = req.commands ?? [];
      const identity = req.identity ?? '';
      if (hasCloseCommand(commands) && run.hasBufferedEvents()) {
        run.failWorkflowTask(enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, undefined, identity);
        return {};
      }
      const invalid = invalidCommand(commands);
      if (invalid) {
        run.failWorkflowTask(enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, { message: invalid }, identity);
        throw invalidArgument(`RespondWorkflowTaskCompleted: ${invalid}`);
      }
      const messages = new UpdateMessages(run, req.messages ?? []);
      messages.validate();
      if (commands.length === 0 && messages.onlyRejections() && run.canDropSpeculativeTask()) {
        run.dropSpeculativeTask();
        messages.applyRest();
        run.finishWorkflowTask(false);
        // As Temporal answers a discarded speculative task: the worker resets to the last task kept.
        return { resetHistoryEventId: run.previousStartedEventId };
      }
      refuseBadSearchAttributes(engine, run, commands, identity);
      const completedEventId = run.recordWorkflowTaskCompleted({
        identity, binaryChecksum: req.binaryChecksum, sdkMetadata: req.sdkMetadata, meteringMetadata: req.meteringMetadata,
        workerVersion: req.workerVersionStamp,
      });
      applyCommands(engine, run, commands, completedEventId, identity, messages);
      if (run.isOpen) messages.applyRest();
      run.finishWorkflowTask(Boolean(req.forceCreateNewWorkflowTask));
      return {};
    },
    RespondWorkflowTaskFailed(req: Req<'RespondWorkflowTaskFailedRequest'>) {
      const t = parseTaskToken(req.taskToken, 'workflow', 'RespondWorkflowTaskFailed');
      const run = engine.findRun(t.wid, t.rid);
      if (!run || !run.isCurrentTask(t.sid, t.att)) throw taskNotFound('workflow task');
      run.failWorkflowTask(Number(req.cause ?? 0), req.failure, req.identity ?? '');
      return {};
    },
    RespondQueryTaskCompleted(req: Req<'RespondQueryTaskCompletedRequest'>) {
      engine.queries.complete(parseTaskToken(req.taskToken, 'query', 'RespondQueryTaskCompleted').qid, req);
      return {};
    },
    async PollActivityTaskQueue(req: Req<'PollActivityTaskQueueRequest'>, ctx: RpcContext) {
      const name = req.taskQueue?.name;
      if (!name) throw invalidArgument('PollActivityTaskQueue: taskQueue.name is required');
      const { response } = engine.activityQueues.poll(name, req.identity ?? '', () => ctx.isCancelled());
      return (await response) ?? {};
    },
    RespondActivityTaskCompleted(req: Req<'RespondActivityTaskCompletedRequest'>) {
      const { run, activity } = activityFromToken(engine, req.taskToken, 'RespondActivityTaskCompleted');
      completeActivity(run, activity, req.result, req.identity ?? '');
      return {};
    },
    RespondActivityTaskCompletedById(req: Req<'RespondActivityTaskCompletedByIdRequest'>) {
      const { run, activity } = activityById(engine, req);
      completeActivity(run, activity, req.result, req.identity ?? '');
      return {};
    },
    RespondActivityTaskFailed(req: Req<'RespondActivityTaskFailedRequest'>) {
      const { run, activity } = activityFromToken(engine, req.taskToken, 'RespondActivityTaskFailed');
      if (req.lastHeartbeatDetails) activity.heartbeatDetails = req.lastHeartbeatDetails;
      failActivity(engine, run, activity, req.failure ?? { message: 'activity failed' }, req.identity ?? '');
      return { failures: [] };
    },
    RespondActivityTaskFailedById(req: Req<'RespondActivityTaskFailedByIdRequest'>) {
      const { run, activity } = activityById(engine, req);
      if (req.lastHeartbeatDetails) activity.heartbeatDetails = req.lastHeartbeatDetails;
      failActivity(engine, run, activity, req.failure ?? { message: 'activity failed' }, req.identity ?? '');
      return { failures: [] };
    },
    RespondActivityTaskCanceled(req: Req<'RespondActivityTaskCanceledRequest'>) {
      const { run, activity } = activityFromToken(engine, req.taskToken, 'RespondActivityTaskCanceled');
      cancelActivityResponded(run, activity, req.details, req.identity ?? '');
      return {};
    },
    RespondActivityTaskCanceledById(req: Req<'RespondActivityTaskCanceledByIdRequest'>) {
      const { run, activity } = activityById(engine, req);
      cancelActivityResponded(run, activity, req.details, req.identity ?? '');
      return {};
    },
    RecordActivityTaskHeartbeat(req: Req<'RecordActivityTaskHeartbeatRequest'>) {
      const { run, activity } = activityFromToken(engine, req.taskToken, 'RecordActivityTaskHeartbeat');
      return { cancelRequested: heartbeat(run, activity, req.details), activityPaused: false, activityReset: false };
    },
    RecordActivityTaskHeartbeatById(req: Req<'RecordActivityTaskHeartbeatByIdRequest'>) {
      const { run, activity } = activityById(engine, req);
      return { cancelRequested: heartbeat(run, activity, req.details), activityPaused: false, activityReset: false };
    },
    ShutdownWorker(req: Req<'ShutdownWorkerRequest'>) {
      if (req.stickyTaskQueue) engine.workflowQueues.releasePollers(req.stickyTaskQueue);
      return {};
    },
  };
  return rpcs as unknown as Record<string, Rpc>;
}
