import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { ServiceError, invalidArgument, notFound } from './errors';
import { enums, type temporal } from './proto';
import { stageOf, type Stage, type Update } from './updates';
import type { Engine } from './engine';
import type { WorkflowRun } from './workflow-run';
import type { Rpc, RpcContext } from './worker-rpcs';

type ws = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof ws> = ws[K] extends { create(p?: infer P): unknown } ? NonNullable<P> : never;
type UpdateRequest = Req<'UpdateWorkflowExecutionRequest'>;

const STAGE = enums.UpdateWorkflowExecutionLifecycleStage;
/** How long one call waits for the stage asked for before it answers with the stage reached (the caller asks again). */
export const UPDATE_LONG_POLL_MS = 20_000;

/** Temporal's frontend checks (service/frontend/workflow_handler.go, errors.go). */
function validate(req: UpdateRequest, method: string): Stage {
  if (!req.workflowExecution?.workflowId) throw invalidArgument(`${method}: WorkflowId is not set on request.`);
  if (!req.request?.meta) throw invalidArgument('Update meta is not set on request.');
  if (!req.request.input) throw invalidArgument('Update input is not set on request.');
  if (!req.request.input.name) throw invalidArgument('Update name is not set on request.');
  if (!req.request.meta.updateId) req.request.meta.updateId = randomUUID();
  const stage = (req.waitPolicy?.lifecycleStage || STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) as Stage;
  if (stage === STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
    throw new ServiceError(status.PERMISSION_DENIED, 'UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.');
  }
  return stage;
}

async function awaitStage(run: WorkflowRun, update: Update, wanted: Stage, ctx: RpcContext): Promise<void> {
  const deadline = Date.now() + UPDATE_LONG_POLL_MS;
  while (!update.error && stageOf(update) < wanted && !ctx.isCancelled()) {
    const left = deadline - Date.now();
    if (left <= 0) return;
    await run.updates.changed(Math.min(left, 1000));
  }
}

function answer(run: WorkflowRun, update: Update) {
  if (update.error) throw update.error;
  return {
    updateRef: { workflowExecution: { workflowId: run.workflowId, runId: run.runId }, updateId: update.id },
    outcome: update.state === 'completed' ? update.outcome : undefined,
    stage: stageOf(update),
  };
}

/** UpdateWorkflowExecution on a run: a known update id attaches to that update; a new one waits for a workflow task. */
export async function updateRun(engine: Engine, run: WorkflowRun, req: UpdateRequest, wanted: Stage, ctx: RpcContext) {
  const known = run.updates.get(req.request?.meta?.updateId ?? '');
  if (!run.isOpen && !known) throw notFound('workflow execution already completed');
  const { update, isNew } = run.updates.admit(req.request as temporal.api.update.v1.IRequest);
  if (isNew) engine.deliverUpdates(run);
  await awaitStage(run, update, wanted, ctx);
  return answer(run, update);
}

/** UpdateWorkflowExecution, PollWorkflowExecutionUpdate, ExecuteMultiOperation (update-with-start). */
export function updateRpcs(engine: Engine): Record<string, Rpc> {
  const rpcs = {
    UpdateWorkflowExecution(req: UpdateRequest, ctx: RpcContext) {
      const wanted = validate(req, 'UpdateWorkflowExecution');
      const run = engine.getRun(req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      if (req.firstExecutionRunId && run.firstExecutionRunId !== req.firstExecutionRunId) {
        throw notFound(`workflow execution ${run.workflowId} with first run ${req.firstExecutionRunId}`);
      }
      return updateRun(engine, run, req, wanted, ctx);
    },
    async PollWorkflowExecutionUpdate(req: Req<'PollWorkflowExecutionUpdateRequest'>, ctx: RpcContext) {
      const ref = req.updateRef;
      if (!ref?.workflowExecution?.workflowId || !ref.updateId) throw invalidArgument('UpdateRef is not set on request.');
      const run = engine.getRun(ref.workflowExecution.workflowId, ref.workflowExecution.runId);
      const update = run.updates.get(ref.updateId);
      if (!update) throw notFound(`update ${ref.updateId} of workflow ${run.workflowId}`);
      const wanted = (req.waitPolicy?.lifecycleStage || STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) as Stage;
      await awaitStage(run, update, wanted, ctx);
      const { outcome, stage, updateRef } = answer(run, update);
      return { outcome, stage, updateRef };
    },
    async ExecuteMultiOperation(req: Req<'ExecuteMultiOperationRequest'>, ctx: RpcContext) {
      const [first, second, ...rest] = req.operations ?? [];
      const start = first?.startWorkflow;
      const update = second?.updateWorkflow;
      if (!start || !update || rest.length > 0) {
        throw invalidArgument('ExecuteMultiOperation: Operations have to be exactly [Start, Update].');
      }
      if (start.workflowId !== update.workflowExecution?.workflowId) {
        throw invalidArgument('ExecuteMultiOperation: Update operation: WorkflowId is not consistent with previous operation(s).');
      }
      if (!start.workflowIdConflictPolicy) {
        throw invalidArgument('ExecuteMultiOperation: Start operation: WorkflowIdConflictPolicy must be set for update-with-start.');
      }
      // As Temporal's frontend: no eager start in a multi-operation; the start's search attributes checked as on a start.
      if (start.requestEagerExecution) throw invalidArgument('ExecuteMultiOperation: Start operation: RequestEagerExecution is not supported.');
      engine.searchAttributes.check(start.searchAttributes);
      const wanted = validate(update as UpdateRequest, 'ExecuteMultiOperation');
      // A new run gets the update before its first workflow task is offered, so that task carries it.
      const admitFirst = (run: WorkflowRun) => run.updates.admit((update as UpdateRequest).request as temporal.api.update.v1.IRequest);
      const { run, started } = engine.startWorkflow({ ...start, namespace: start.namespace || engine.namespace }, { beforeFirstTask: admitFirst });
      const updated = await updateRun(engine, run, update as UpdateRequest, wanted, ctx);
      return { responses: [{ startWorkflow: { runId: run.runId, started } }, { updateWorkflow: updated }] };
    },
  };
  return rpcs as unknown as Record<string, Rpc>;
}
