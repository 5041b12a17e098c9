import { invalidArgument } from './errors';
import { enums, toTimestamp, type temporal } from './proto';
import type { WorkflowRun } from './workflow-run';

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

interface Clause {
  key: string;
  negate: boolean;
  values: string[];
}

const CLAUSE = /^\s*`?(\w+)`?\s*(=|!=|IN)\s*(.+?)\s*$/i;

function parseValues(raw: string, query: string): string[] {
  const list = raw.startsWith('(') && raw.endsWith(')') ? raw.slice(1, -1).split(',') : [raw];
  return list.map((v) => {
    const m = /^\s*(['"])(.*)\1\s*$/.exec(v);
    if (!m) throw invalidArgument(`list query "${query}": value ${v.trim()} must be quoted`);
    return m[2];
  });
}

/** Parses the subset of Temporal's list query language this service supports: `Key = 'v'` clauses joined by AND. */
export function parseListQuery(query: string | null | undefined): Clause[] {
  const text = (query ?? '').replace(/\s+ORDER\s+BY\s+.*$/i, '').trim();
  if (!text) return [];
  return text.split(/\s+AND\s+/i).map((part) => {
    const m = CLAUSE.exec(part);
    if (!m) throw invalidArgument(`list query "${query}": cannot parse clause "${part.trim()}" (supported: Key = 'value', Key != 'value', Key IN ('a','b'))`);
    const [, key, op, raw] = m;
    if (key === 'ExecutionStatus') {
      for (const v of parseValues(raw, query ?? '')) {
        if (!(v in STATUS_NAMES)) throw invalidArgument(`list query "${query}": unknown ExecutionStatus ${v}`);
      }
    }
    return { key, negate: op === '!=', values: parseValues(raw, query ?? '') };
  });
}

function searchAttributeValue(run: WorkflowRun, key: string): string | undefined {
  const payload = run.searchAttributes?.indexedFields?.[key];
  if (!payload?.data) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    return Array.isArray(value) ? value.map(String).join(',') : String(value);
  } catch {
    return undefined;
  }
}

function fieldValue(run: WorkflowRun, key: string): string | undefined {
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
      return Object.keys(STATUS_NAMES).find((k) => STATUS_NAMES[k] === run.status);
    default:
      return searchAttributeValue(run, key);
  }
}

export function matchesListQuery(run: WorkflowRun, clauses: Clause[]): boolean {
  return clauses.every((c) => {
    const value = fieldValue(run, c.key);
    const hit = value !== undefined && c.values.includes(value);
    return c.negate ? !hit : hit;
  });
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
