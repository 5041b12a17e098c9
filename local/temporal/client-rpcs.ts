import { status } from '@grpc/grpc-js';
import { ServiceError, invalidArgument } from './errors';
import { isCloseEvent } from './history';
import { executionInfo, matchesListQuery, parseListQuery } from './visibility';
import { describeExecution } from './describe-execution';
import { startWorkflowExecution } from './eager-start';
import { enums, type temporal } from './proto';
import type { Engine } from './engine';
import type { Rpc, RpcContext } from './worker-rpcs';
import type { WorkflowRun } from './workflow-run';

type ws = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof ws> = ws[K] extends { create(p?: infer P): unknown } ? NonNullable<P> : never;
const ET = enums.EventType;

/** How long a history long poll waits before answering empty (the client polls again). */
const HISTORY_LONG_POLL_MS = 20_000;

function openRun(engine: Engine, workflowId: string | null | undefined, runId: string | null | undefined, method: string): WorkflowRun {
  if (!workflowId) throw invalidArgument(`${method}: workflowExecution.workflowId is required`);
  const run = engine.getRun(workflowId, runId);
  if (!run.isOpen) throw new ServiceError(status.NOT_FOUND, `workflow execution already completed: ${workflowId} (run ${run.runId})`);
  return run;
}

function signal(run: WorkflowRun, req: { signalName?: string | null; input?: unknown; identity?: string | null; header?: unknown }): void {
  run.addExternalEvent(() =>
    run.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { signalName: req.signalName, input: req.input, identity: req.identity, header: req.header }),
  );
}

async function history(engine: Engine, req: Req<'GetWorkflowExecutionHistoryRequest'>, ctx: RpcContext) {
  const workflowId = req.execution?.workflowId;
  if (!workflowId) throw invalidArgument('GetWorkflowExecutionHistory: execution.workflowId is required');
  const run = engine.getRun(workflowId, req.execution?.runId);
  const deadline = Date.now() + HISTORY_LONG_POLL_MS;
  if (Number(req.historyEventFilterType) === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT) {
    while (run.isOpen && req.waitNewEvent && Date.now() < deadline && !ctx.isCancelled()) {
      await run.history.waitForChange(Math.max(1, deadline - Date.now()));
    }
    const close = run.history.lastEvent;
    if (!run.isOpen && close && isCloseEvent(close)) return { history: { events: [close] } };
    return { history: { events: [] }, nextPageToken: Buffer.from('close') };
  }
  const from = req.nextPageToken && req.nextPageToken.length > 0 ? Number(Buffer.from(req.nextPageToken).toString('utf8')) : 0;
  if (!Number.isInteger(from) || from < 0) throw invalidArgument('GetWorkflowExecutionHistory: nextPageToken is not one this service issued');
  while (req.waitNewEvent && run.isOpen && run.events.length <= from && Date.now() < deadline && !ctx.isCancelled()) {
    await run.history.waitForChange(Math.max(1, deadline - Date.now()));
  }
  const events = run.events.slice(from);
  const more = req.waitNewEvent && run.isOpen;
  return { history: { events }, nextPageToken: more ? Buffer.from(String(from + events.length)) : Buffer.alloc(0) };
}

/** The RPCs clients call: start, signal, query, describe, history, list, terminate, cancel. */
export function clientRpcs(engine: Engine): Record<string, Rpc> {
  const rpcs = {
    StartWorkflowExecution: (req: Req<'StartWorkflowExecutionRequest'>) => startWorkflowExecution(engine, req),
    SignalWorkflowExecution(req: Req<'SignalWorkflowExecutionRequest'>) {
      const run = openRun(engine, req.workflowExecution?.workflowId, req.workflowExecution?.runId, 'SignalWorkflowExecution');
      if (!req.signalName) throw invalidArgument('SignalWorkflowExecution: signalName is required');
      signal(run, req);
      return {};
    },
    SignalWithStartWorkflowExecution(req: Req<'SignalWithStartWorkflowExecutionRequest'>) {
      if (!req.signalName) throw invalidArgument('SignalWithStartWorkflowExecution: signalName is required');
      engine.searchAttributes.check(req.searchAttributes);
      const signalReq = { signalName: req.signalName, input: req.signalInput, identity: req.identity, header: req.header };
      const existing = engine.findRun(req.workflowId ?? '');
      if (existing?.isOpen) {
        signal(existing, signalReq);
        return { runId: existing.runId, started: false };
      }
      const { run } = engine.startWorkflow({ ...req, workflowIdConflictPolicy: undefined }, { deferFirstTask: true });
      signal(run, signalReq);
      run.scheduleWorkflowTask();
      return { runId: run.runId, started: true };
    },
    QueryWorkflow(req: Req<'QueryWorkflowRequest'>) {
      const workflowId = req.execution?.workflowId;
      if (!workflowId) throw invalidArgument('QueryWorkflow: execution.workflowId is required');
      if (!req.query?.queryType) throw invalidArgument('QueryWorkflow: query.queryType is required');
      return engine.queries.query(engine.getRun(workflowId, req.execution?.runId), req.query);
    },
    DescribeWorkflowExecution(req: Req<'DescribeWorkflowExecutionRequest'>) {
      const workflowId = req.execution?.workflowId;
      if (!workflowId) throw invalidArgument('DescribeWorkflowExecution: execution.workflowId is required');
      return describeExecution(engine.getRun(workflowId, req.execution?.runId));
    },
    GetWorkflowExecutionHistory: (req: Req<'GetWorkflowExecutionHistoryRequest'>, ctx: RpcContext) => history(engine, req, ctx),
    ListWorkflowExecutions(req: Req<'ListWorkflowExecutionsRequest'>) {
      const clauses = parseListQuery(req.query, engine.searchAttributes);
      const runs = [...engine.runs.values()].filter((r) => matchesListQuery(r, clauses)).sort((a, b) => b.startTime - a.startTime);
      const from = req.nextPageToken && req.nextPageToken.length > 0 ? Number(Buffer.from(req.nextPageToken).toString('utf8')) : 0;
      const size = req.pageSize && req.pageSize > 0 ? req.pageSize : 1000;
      const page = runs.slice(from, from + size);
      const next = from + page.length < runs.length ? Buffer.from(String(from + page.length)) : Buffer.alloc(0);
      return { executions: page.map(executionInfo), nextPageToken: next };
    },
    TerminateWorkflowExecution(req: Req<'TerminateWorkflowExecutionRequest'>) {
      const run = openRun(engine, req.workflowExecution?.workflowId, req.workflowExecution?.runId, 'TerminateWorkflowExecution');
      engine.terminate(run, req.reason ?? '', req.details, req.identity ?? '');
      return {};
    },
    RequestCancelWorkflowExecution(req: Req<'RequestCancelWorkflowExecutionRequest'>) {
      const run = openRun(engine, req.workflowExecution?.workflowId, req.workflowExecution?.runId, 'RequestCancelWorkflowExecution');
      engine.requestCancel(run, { cause: req.reason ?? '', identity: req.identity ?? '' });
      return {};
    },
  };
  return rpcs as unknown as Record<string, Rpc>;
}
