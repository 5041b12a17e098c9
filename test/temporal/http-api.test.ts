import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';

/**
 * Temporal's HTTP API on the local service, checked against what Temporal's own server answers
 * (temporalio/temporal tests/http_api_test.go: start, already-started details, signal, close-event
 * history, with and without the payload shorthand) and the proto3 JSON mapping.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const b64 = (text: string) => Buffer.from(text).toString('base64');

let service: LocalTemporal;
let connection: Connection;

beforeAll(async () => {
  service = await startLocalTemporal({ port: 0, httpPort: 0 });
  connection = await Connection.connect({ address: service.address });
});
afterAll(async () => {
  await connection?.close();
  await service?.shutdown();
});

async function call(verb: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${service.httpUrl}${path}`, {
    method: verb,
    headers: { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function startOne(taskQueue: string, workflowId = `http-${randomUUID()}`) {
  const started = await call('POST', `/api/v1/namespaces/default/workflows/${encodeURIComponent(workflowId)}`, {
    workflowType: { name: 'http-basic-workflow' },
    taskQueue: { name: taskQueue },
    input: [{ someField: 'workflow-arg' }],
  });
  return { workflowId, started };
}

async function completeNextTask(taskQueue: string, result: unknown) {
  const task = await connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'http-test-worker' });
  await connection.workflowService.respondWorkflowTaskCompleted({
    taskToken: task.taskToken,
    commands: [{
      commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
      completeWorkflowExecutionCommandAttributes: {
        result: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(result)) }] },
      },
    }],
  });
}

test('the routes are the google.api.http bindings of the WorkflowService and OperatorService protos', () => {
  const routes = service.httpApi.routes;
  const find = (verb: string, template: string) => routes.find((r) => r.verb === verb && r.template === template)?.method;
  expect(routes.length).toBeGreaterThan(200);
  expect(find('GET', '/api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}')).toBe('DescribeWorkflowExecution');
  expect(find('GET', '/namespaces/{namespace}/workflows/{execution.workflow_id}/history-reverse')).toBe('GetWorkflowExecutionHistoryReverse');
  expect(find('POST', '/api/v1/namespaces/{namespace}/workflows/{workflow_execution.workflow_id}/update/{request.input.name}')).toBe('UpdateWorkflowExecution');
  expect(find('POST', '/api/v1/namespaces/{namespace}/schedules/{schedule_id}/patch')).toBe('PatchSchedule');
  expect(find('GET', '/api/v1/namespaces/{namespace}/search-attributes')).toBe('ListSearchAttributes');
});

test('start, already-started, describe, signal, history and list answer the JSON of Temporal’s HTTP API', async () => {
  const taskQueue = `http-${randomUUID()}`;
  const { workflowId, started } = await startOne(taskQueue);
  expect(started).toEqual({ status: 200, json: { runId: expect.stringMatching(UUID), started: true } });
  const runId = started.json.runId as string;

  const again = await startOne(taskQueue, workflowId);
  expect(again.started.status).toBe(409);
  expect(again.started.json).toEqual({
    code: 6,
    message: expect.stringContaining('already running'),
    details: [{ '@type': 'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', startRequestId: expect.stringMatching(UUID), runId }],
  });

  const described = await call('GET', `/api/v1/namespaces/default/workflows/${workflowId}?execution.runId=${runId}`);
  expect(described.status).toBe(200);
  const info = described.json.workflowExecutionInfo;
  expect(info).toMatchObject({
    execution: { workflowId, runId },
    type: { name: 'http-basic-workflow' },
    status: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
    historyLength: '2',
    taskQueue,
  });
  expect(info.startTime).toMatch(RFC3339);
  expect(info).not.toHaveProperty('closeTime');
  expect(described.json.executionConfig).toMatchObject({ taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' }, defaultWorkflowTaskTimeout: '10s' });

  const signalled = await call('POST', `/namespaces/default/workflows/${workflowId}/signal/some-signal`, { input: [{ someField: 'signal-arg' }] });
  expect(signalled).toEqual({ status: 200, json: {} });
  await completeNextTask(taskQueue, { someField: 'workflow-arg' });

  const closed = await call('GET', `/namespaces/default/workflows/${workflowId}/history?historyEventFilterType=2`);
  expect(closed.status).toBe(200);
  const [event] = closed.json.history.events;
  expect(event).toMatchObject({ eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', eventId: expect.stringMatching(/^\d+$/) });
  expect(event.eventTime).toMatch(RFC3339);
  expect(event.workflowExecutionCompletedEventAttributes.result).toEqual([{ someField: 'workflow-arg' }]);

  const full = await call('GET', `/api/v1/namespaces/default/workflows/${workflowId}/history?noPayloadShorthand`, undefined);
  const types = full.json.history.events.map((e: { eventType: string }) => e.eventType);
  expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  const startedAttrs = full.json.history.events[0].workflowExecutionStartedEventAttributes;
  expect(startedAttrs.input).toEqual({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ someField: 'workflow-arg' })) }] });
  expect(startedAttrs.workflowTaskTimeout).toBe('10s');
  const signal = full.json.history.events.find((e: { eventType: string }) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  expect(signal.workflowExecutionSignaledEventAttributes).toMatchObject({ signalName: 'some-signal' });

  const listed = await call('GET', `/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = '${workflowId}'`)}`);
  expect(listed.status).toBe(200);
  expect(listed.json.executions).toHaveLength(1);
  expect(listed.json.executions[0]).toMatchObject({ execution: { workflowId, runId }, status: 'WORKFLOW_EXECUTION_STATUS_COMPLETED', historyLength: String(full.json.history.events.length) });
  expect(listed.json.executions[0].closeTime).toMatch(RFC3339);
});

test('errors carry Temporal’s {code, message, details} and the gateway’s HTTP status', async () => {
  const missing = await call('GET', `/api/v1/namespaces/default/workflows/no-such-${randomUUID()}`);
  expect(missing.status).toBe(404);
  expect(missing.json).toMatchObject({ code: 5, details: [] });
  const badQuery = await call('GET', `/api/v1/namespaces/default/workflows?query=${encodeURIComponent('NoSuchField = 1')}`);
  expect(badQuery.status).toBe(400);
  expect(badQuery.json).toMatchObject({ code: 3, message: expect.stringContaining('invalid query') });
  const badBody = await call('POST', `/api/v1/namespaces/default/workflows/x-${randomUUID()}`, '{not json');
  expect(badBody.status).toBe(400);
  expect(badBody.json.code).toBe(3);
  const unknownField = await call('POST', `/api/v1/namespaces/default/workflows/x-${randomUUID()}`, { workflowTyp: { name: 'x' } });
  expect(unknownField.status).toBe(400);
  expect(unknownField.json.message).toContain('unknown field "workflowTyp"');
  // Nested messages of the body (request.meta, request.input.args) are read as such: the answer is the missing run.
  const update = await call('POST', `/api/v1/namespaces/default/workflows/no-such-${randomUUID()}/update/decide`, {
    workflowExecution: {}, request: { meta: { updateId: randomUUID() }, input: { args: [{ action: 'abort' }] } },
  });
  expect(update).toMatchObject({ status: 404, json: { code: 5 } });
  // Enums by their full name, their number, or Temporal's older PascalCase spelling (the UI's `Unspecified`).
  for (const taskQueueType of ['TASK_QUEUE_TYPE_ACTIVITY', '2', 'Activity']) {
    expect((await call('GET', `/api/v1/namespaces/default/task-queues/q?taskQueueType=${taskQueueType}`)).status).toBe(200);
  }
  expect((await call('GET', '/api/v1/namespaces/default/task-queues/q?taskQueueType=Sideways')).status).toBe(400);
  expect((await call('GET', '/api/v1/no/such/route')).status).toBe(404);
  expect((await call('DELETE', '/api/v1/cluster-info')).status).toBe(405);
});

test('the UI’s calls: counts grouped by status, history newest first, history long polls, task queue pollers', async () => {
  const taskQueue = `http-${randomUUID()}`;
  const a = await startOne(taskQueue);
  const b = await startOne(taskQueue);
  await completeNextTask(taskQueue, 'done');

  const query = `TaskQueue = '${taskQueue}' GROUP BY ExecutionStatus`;
  const counted = await call('GET', `/api/v1/namespaces/default/workflow-count?query=${encodeURIComponent(query)}`);
  expect(counted.status).toBe(200);
  expect(counted.json.count).toBe('2');
  const groups = counted.json.groups.map((g: { groupValues: Array<{ data: string }>; count: string }) => [JSON.parse(Buffer.from(g.groupValues[0].data, 'base64').toString()), g.count]);
  expect(groups.sort()).toEqual([['Completed', '1'], ['Running', '1']]);

  // The filters the UI's list sends: time comparisons, BETWEEN, IS NULL, STARTS_WITH, ORDER BY.
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const uiQuery = `TaskQueue = '${taskQueue}' AND StartTime > "${since}" AND StartTime BETWEEN "${since}" AND "${until}" AND CloseTime IS NULL AND WorkflowId STARTS_WITH "http-" ORDER BY StartTime DESC`;
  const filtered = await call('GET', `/api/v1/namespaces/default/workflows?query=${encodeURIComponent(uiQuery)}`);
  expect(filtered.status).toBe(200);
  expect(filtered.json.executions.map((e: { status: string }) => e.status)).toEqual(['WORKFLOW_EXECUTION_STATUS_RUNNING']);

  const open = a;
  void b;
  const reverse = await call('GET', `/api/v1/namespaces/default/workflows/${open.workflowId}/history-reverse?maximumPageSize=1`);
  expect(reverse.status).toBe(200);
  expect(reverse.json.history.events).toHaveLength(1);
  expect(reverse.json.nextPageToken).toEqual(expect.any(String));
  const older = await call('GET', `/api/v1/namespaces/default/workflows/${open.workflowId}/history-reverse?maximumPageSize=100&nextPageToken=${encodeURIComponent(reverse.json.nextPageToken)}`);
  const ids = [...reverse.json.history.events, ...older.json.history.events].map((e: { eventId: string }) => Number(e.eventId));
  expect(ids).toEqual([...ids].sort((x, y) => y - x));
  expect(ids[ids.length - 1]).toBe(1);

  const running = (await call('GET', `/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)}`)).json.executions[0];
  const first = await call('GET', `/api/v1/namespaces/default/workflows/${running.execution.workflowId}/history?waitNewEvent=true`);
  const token = first.json.nextPageToken as string;
  const waiting = call('GET', `/api/v1/namespaces/default/workflows/${running.execution.workflowId}/history?waitNewEvent=true&nextPageToken=${encodeURIComponent(token)}`);
  await call('POST', `/api/v1/namespaces/default/workflows/${running.execution.workflowId}/signal/poke`, { input: ['now'] });
  const next = await waiting;
  expect(next.json.history.events.map((e: { eventType: string }) => e.eventType)).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');

  const described = await call('GET', `/api/v1/namespaces/default/task-queues/${taskQueue}?taskQueueType=TASK_QUEUE_TYPE_WORKFLOW`);
  expect(described.status).toBe(200);
  expect(described.json.pollers).toEqual([expect.objectContaining({ identity: 'http-test-worker', lastAccessTime: expect.stringMatching(RFC3339) })]);
  const activities = await call('GET', `/api/v1/namespaces/default/task-queues/${taskQueue}?taskQueueType=2`);
  expect(activities.json.pollers ?? []).toEqual([]);
});
