import { invalidArgument } from './errors';
import { enums, toTimestamp, type temporal } from './proto';
import type { WorkflowRun } from './workflow-run';
import { evaluate, parseQuery, type Expr, type Value } from './list-query';
import { filterValue } from './search-attribute-values';
import type { SearchAttributeRegistry } from './search-attributes';

type ExecutionInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;

const STATUS_NAMES: Record<string, number> = {
  Running: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
  Completed: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  Failed: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
  Canceled: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
  Terminated: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  ContinuedAsNew: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
  TimedOut: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
};

/** The status as list filters and GROUP BY name it: `Running`, `Completed`… */
export function statusName(status: number): string {
  return Object.keys(STATUS_NAMES).find((k) => STATUS_NAMES[k] === status) ?? 'Unspecified';
}

/** A parsed list filter (see list-query.ts). */
export interface ListFilter {
  expr: Expr | undefined;
}

/**
 * Parses a ListWorkflowExecutions / CountWorkflowExecutions query against the namespace's
 * search attributes: system ones, predefined ones and the registered custom ones, each with its
 * type. Anything else is INVALID_ARGUMENT with Temporal's message.
 */
export function parseListQuery(query: string | null | undefined, registry: SearchAttributeRegistry): ListFilter {
  const checkStatus = (column: string, values: Value[]) => {
    if (column !== 'ExecutionStatus') return;
    for (const v of values) {
      if (!(String(v) in STATUS_NAMES)) throw invalidArgument(`invalid query: invalid expression: invalid ExecutionStatus value '${String(v)}'`);
    }
  };
  return { expr: parseQuery(query ?? '', (name) => registry.queryType(name), checkStatus) };
}

function customValue(run: WorkflowRun, key: string, type: number): unknown {
  const fields = run.searchAttributes?.indexedFields ?? {};
  const flipped = key.startsWith('Temporal') ? key.slice('Temporal'.length) : `Temporal${key}`;
  const payload = fields[key] ?? fields[flipped];
  return payload ? filterValue(type, payload) : undefined;
}

function fieldValue(run: WorkflowRun, key: string, type: number): unknown {
  switch (key) {
    case 'WorkflowId':
      return run.workflowId;
    case 'RunId':
      return run.runId;
    case 'WorkflowType':
      return run.workflowType;
    case 'TaskQueue':
      return run.taskQueue;
    case 'ExecutionStatus':
      return statusName(run.status);
    case 'StartTime':
    case 'ExecutionTime':
      return run.startTime;
    case 'CloseTime':
      return run.closeTime;
    case 'HistoryLength':
      return run.isOpen ? undefined : run.events.length;
    case 'ParentWorkflowId':
      return run.parent?.workflowId;
    case 'ParentRunId':
      return run.parent?.runId;
    default:
      return customValue(run, key, type);
  }
}

export function matchesListQuery(run: WorkflowRun, filter: ListFilter): boolean {
  return evaluate(filter.expr, (column, type) => fieldValue(run, column, type));
}

export function executionInfo(run: WorkflowRun): ExecutionInfo {
  return {
    execution: { workflowId: run.workflowId, runId: run.runId },
    type: { name: run.workflowType },
    startTime: toTimestamp(run.startTime),
    executionTime: toTimestamp(run.startTime),
    closeTime: run.closeTime !== undefined ? toTimestamp(run.closeTime) : undefined,
    status: run.status,
    historyLength: run.events.length,
    parentNamespaceId: run.parent?.namespace,
    parentExecution: run.parent ? { workflowId: run.parent.workflowId, runId: run.parent.runId } : undefined,
    memo: run.memo,
    searchAttributes: run.searchAttributes,
    taskQueue: run.taskQueue,
    firstRunId: run.firstExecutionRunId,
  } as unknown as ExecutionInfo;
}
