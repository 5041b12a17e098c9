import { status } from '@grpc/grpc-js';
import { ServiceError } from './errors';
import { enums, type temporal } from './proto';
import type { Engine } from './engine';
import type { WorkflowRun } from './workflow-run';

type Query = temporal.api.query.v1.IWorkflowQuery;
type QueryResponse = temporal.api.workflowservice.v1.IQueryWorkflowResponse;
type Completion = temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest;
type WorkflowPoll = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

interface PendingQuery {
  id: string;
  run: WorkflowRun;
  query: Query;
  dispatched: boolean;
  resolve(response: QueryResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const QUERY_TIMEOUT_MS = 30_000;

/**
 * Queries go to the worker as query tasks on the workflow's task queue, carrying
 * the full history; a query waits while the run has a workflow task in flight.
 */
export class QueryDispatcher {
  private pending = new Map<string, PendingQuery>();
  private seq = 0;

  constructor(private readonly engine: Engine) {}

  /** Queries sent to a worker and not yet answered, or waiting for one. */
  outstanding(): number {
    return this.pending.size;
  }

  query(run: WorkflowRun, query: Query): Promise<QueryResponse> {
    return new Promise<QueryResponse>((resolve, reject) => {
      const id = `${run.runId}/${++this.seq}`;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.engine.changed();
        reject(new ServiceError(status.DEADLINE_EXCEEDED, `query ${query.queryType} on workflow ${run.workflowId}: no worker answered within ${QUERY_TIMEOUT_MS} ms`));
      }, QUERY_TIMEOUT_MS);
      const p: PendingQuery = { id, run, query, dispatched: false, resolve, reject, timer };
      this.pending.set(id, p);
      if (run.wft.state === 'none') this.dispatch(p);
      this.engine.changed();
    });
  }

  /** The run has no workflow task in flight any more: send the queries that waited. */
  dispatchWaiting(run: WorkflowRun): void {
    if (run.isOpen && run.wft.state !== 'none') return;
    for (const p of this.pending.values()) if (p.run === run && !p.dispatched) this.dispatch(p);
  }

  private dispatch(p: PendingQuery): void {
    p.dispatched = true;
    const run = p.run;
    this.engine.workflowQueues.enqueue(run.taskQueue, {
      isLive: () => this.pending.has(p.id),
      dispatch: () => {
        if (!this.pending.has(p.id)) return undefined;
        return {
          taskToken: Buffer.from(JSON.stringify({ k: 'query', qid: p.id })),
          workflowExecution: { workflowId: run.workflowId, runId: run.runId },
          workflowType: { name: run.workflowType },
          previousStartedEventId: run.previousStartedEventId,
          startedEventId: run.previousStartedEventId,
          attempt: 1,
          history: { events: run.events.slice() },
          nextPageToken: Buffer.alloc(0),
          query: p.query,
          workflowExecutionTaskQueue: { name: run.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        } as unknown as WorkflowPoll;
      },
    });
  }

  /** RespondQueryTaskCompleted. */
  complete(queryId: string, req: Completion): void {
    const p = this.pending.get(queryId);
    if (!p) throw new ServiceError(status.NOT_FOUND, `query task ${queryId} not found (already answered or timed out)`);
    this.pending.delete(queryId);
    clearTimeout(p.timer);
    if (Number(req.completedType) === enums.QueryResultType.QUERY_RESULT_TYPE_ANSWERED) {
      p.resolve({ queryResult: req.queryResult });
    } else {
      p.reject(new ServiceError(status.INVALID_ARGUMENT, req.errorMessage || req.failure?.message || 'query failed'));
    }
    this.engine.changed();
  }

  rejectAll(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ServiceError(status.UNAVAILABLE, 'local Temporal service is shutting down'));
    }
    this.pending.clear();
  }
}
