import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { isoSeconds } from './schedule-timestamps';

type NewWorkflow = temporal.api.workflow.v1.INewWorkflowExecutionInfo;
type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
type Payload = temporal.api.common.v1.IPayload;

/** Search attribute a scheduled run carries: when it was nominally due. */
export const SCHEDULED_START_TIME = 'TemporalScheduledStartTime';
/** Search attribute a scheduled run carries: which schedule started it. */
export const SCHEDULED_BY_ID = 'TemporalScheduledById';

function searchAttributePayload(type: 'Datetime' | 'Keyword', value: string): Payload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
    data: Buffer.from(JSON.stringify(value)),
  };
}

/** The id a scheduled run gets: `<action workflow id>-<nominal time, RFC 3339 UTC>` unless the id is kept. */
export function scheduledWorkflowId(baseId: string, nominalMs: number, keepOriginalId: boolean): string {
  return keepOriginalId ? baseId : `${baseId}-${isoSeconds(nominalMs)}`;
}

/** The StartWorkflowExecution request for one action of a schedule, nominally due at `nominalMs`. */
export function scheduledStartRequest(
  namespace: string,
  scheduleId: string,
  action: NewWorkflow,
  nominalMs: number,
  keepOriginalId: boolean,
): StartRequest {
  const indexedFields: Record<string, Payload> = {
    ...(action.searchAttributes?.indexedFields ?? {}),
    [SCHEDULED_START_TIME]: searchAttributePayload('Datetime', new Date(Math.floor(nominalMs / 1000) * 1000).toISOString()),
    [SCHEDULED_BY_ID]: searchAttributePayload('Keyword', scheduleId),
  };
  return {
    namespace,
    workflowId: scheduledWorkflowId(action.workflowId ?? '', nominalMs, keepOriginalId),
    workflowType: action.workflowType,
    taskQueue: action.taskQueue,
    input: action.input,
    workflowExecutionTimeout: action.workflowExecutionTimeout,
    workflowRunTimeout: action.workflowRunTimeout,
    workflowTaskTimeout: action.workflowTaskTimeout,
    identity: `temporal-scheduler-${namespace}-${scheduleId}`,
    requestId: randomUUID(),
    workflowIdReusePolicy: action.workflowIdReusePolicy,
    retryPolicy: action.retryPolicy,
    memo: action.memo,
    searchAttributes: { indexedFields },
    header: action.header,
    userMetadata: action.userMetadata,
    priority: action.priority,
  };
}
