import { enums, durationMs, type temporal } from './proto';
import { requireStartFields } from './workflow-start';
import type { Engine } from './engine';
import type { WorkflowRun } from './workflow-run';

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
type StartResponse = temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse;

/** The first workflow task waits (start delay, cron): Temporal then denies eager start ("first_workflow_task_backoff"). */
function firstTaskBacksOff(req: StartRequest): boolean {
  return durationMs(req.workflowStartDelay) !== undefined || Boolean(req.cronSchedule);
}

/** The run's first workflow task is the one started now, attempt 1: what an eager response may hand out. */
function firstTaskStarted(run: WorkflowRun): boolean {
  return run.isOpen && run.wft.state === 'started' && run.wft.startedEventId === 3 && run.wft.attempt === 1;
}

/**
 * StartWorkflowExecution as Temporal's frontend and history service answer it
 * (service/frontend/workflow_handler.go StartWorkflowExecution, service/history/api/startworkflow/api.go,
 * service/history/api/create_workflow_util.go): search attributes checked; with
 * `requestEagerExecution` (the SDK asks only when a worker sharing its NativeConnection has a free
 * workflow slot for the task queue) and no first-task backoff, the first workflow task is written
 * as started at once, with the start request's identity and request id, kept out of matching, and
 * returned in `eagerWorkflowTask`. A retried request (same request id) gets that task again while
 * it is still the started first attempt. If the worker never answers, the task times out and
 * goes to the task queue as attempt 2, as any started task does.
 */
export function startWorkflowExecution(engine: Engine, req: StartRequest): StartResponse {
  requireStartFields(req, 'StartWorkflowExecution');
  engine.searchAttributes.check(req.searchAttributes);
  const eager = Boolean(req.requestEagerExecution) && !firstTaskBacksOff(req);
  const { run, started } = engine.startWorkflow(req, eager ? { deferFirstTask: true } : {});
  if (!eager) return { runId: run.runId, started };
  const createdNow = run.isOpen && run.wft.state === 'none' && run.events.length === 1;
  if (createdNow) {
    run.scheduleWorkflowTask(false, false);
    run.startWorkflowTask(req.identity ?? '', req.requestId ?? '');
    engine.changed();
  }
  if (!started || !firstTaskStarted(run)) return { runId: run.runId, started };
  return {
    runId: run.runId,
    started,
    status: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    eagerWorkflowTask: { ...engine.workflowTaskResponse(run, run.wft.attempt), previousStartedEventId: 0 } as never,
  };
}
