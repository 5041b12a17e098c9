import { invalidArgument } from './errors';
import { enums, toTimestamp, type temporal } from './proto';
import { matchesListQuery, parseListQuery, statusName } from './visibility';
import type { Engine } from './engine';
import type { Rpc } from './worker-rpcs';

type ws = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof ws> = ws[K] extends { create(p?: infer P): unknown } ? NonNullable<P> : never;

/** Temporal keeps a task queue's pollers for 5 minutes after their last poll (matching's pollerHistoryTTL). */
const POLLER_HISTORY_MS = 5 * 60_000;
const GROUP_BY = /\s*\bgroup\s+by\s+(.+?)\s*$/i;

/** A Keyword search attribute value as visibility encodes it: json/plain with its type. */
function keywordPayload(value: string): temporal.api.common.v1.IPayload {
  return { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') }, data: Buffer.from(JSON.stringify(value)) };
}

/**
 * CountWorkflowExecutions with Temporal's `GROUP BY ExecutionStatus` (the only column it groups
 * by: one group per status present, its value a Keyword payload), or the plain count.
 */
function count(engine: Engine, req: Req<'CountWorkflowExecutionsRequest'>) {
  const text = req.query ?? '';
  const group = GROUP_BY.exec(text);
  const filter = parseListQuery(group ? text.slice(0, group.index) : text, engine.searchAttributes);
  const runs = [...engine.runs.values()].filter((r) => matchesListQuery(r, filter));
  if (!group) return { count: runs.length };
  if (group[1] !== 'ExecutionStatus') {
    throw invalidArgument(`invalid query: 'GROUP BY' clause is only supported for ExecutionStatus`);
  }
  const byStatus = new Map<string, number>();
  for (const run of runs) {
    const name = statusName(run.status);
    byStatus.set(name, (byStatus.get(name) ?? 0) + 1);
  }
  const groups = [...byStatus.entries()].map(([name, n]) => ({ groupValues: [keywordPayload(name)], count: n }));
  return { count: runs.length, groups };
}

/** GetWorkflowExecutionHistoryReverse: the newest events first, paged by the event id to go on from. */
function historyReverse(engine: Engine, req: Req<'GetWorkflowExecutionHistoryReverseRequest'>) {
  const workflowId = req.execution?.workflowId;
  if (!workflowId) throw invalidArgument('GetWorkflowExecutionHistoryReverse: execution.workflowId is required');
  const run = engine.getRun(workflowId, req.execution?.runId);
  const token = req.nextPageToken && req.nextPageToken.length > 0 ? Number(Buffer.from(req.nextPageToken).toString('utf8')) : run.events.length;
  if (!Number.isInteger(token) || token < 0 || token > run.events.length) {
    throw invalidArgument('GetWorkflowExecutionHistoryReverse: nextPageToken is not one this service issued');
  }
  const size = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : 1000;
  const from = Math.max(0, token - size);
  const events = run.events.slice(from, token).reverse();
  return { history: { events }, nextPageToken: from > 0 ? Buffer.from(String(from)) : Buffer.alloc(0) };
}

/** DescribeTaskQueue (classic mode): who polled the queue of the asked type lately, and its backlog. */
function describeTaskQueue(engine: Engine, req: Req<'DescribeTaskQueueRequest'>) {
  const name = req.taskQueue?.name;
  if (!name) throw invalidArgument('DescribeTaskQueue: taskQueue.name is required');
  const activity = Number(req.taskQueueType) === enums.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;
  const queues = activity ? engine.activityQueues : engine.workflowQueues;
  const pollers = queues.recentPollers(name, POLLER_HISTORY_MS).map((p) => ({
    identity: p.identity,
    lastAccessTime: toTimestamp(p.lastAccessTime),
    ratePerSecond: 100000,
  }));
  return { pollers, taskQueueStatus: { backlogCountHint: queues.backlog(name), ratePerSecond: 100000 } };
}

/** The read-only calls the Temporal UI makes beyond the SDK's. */
export function inspectRpcs(engine: Engine): Record<string, Rpc> {
  const rpcs = {
    CountWorkflowExecutions: (req: Req<'CountWorkflowExecutionsRequest'>) => count(engine, req),
    GetWorkflowExecutionHistoryReverse: (req: Req<'GetWorkflowExecutionHistoryReverseRequest'>) => historyReverse(engine, req),
    DescribeTaskQueue: (req: Req<'DescribeTaskQueueRequest'>) => describeTaskQueue(engine, req),
  };
  return rpcs as unknown as Record<string, Rpc>;
}
