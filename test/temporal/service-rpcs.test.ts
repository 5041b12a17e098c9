import type Long from 'long';
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';

const ET = temporal.api.enums.v1.EventType;
let service: LocalTemporal;
let connection: Connection;

beforeAll(async () => {
  service = await startLocalTemporal({ port: 0, timeSkipping: 'unlocked' });
  connection = await Connection.connect({ address: service.address });
});
afterAll(async () => {
  await connection?.close();
  await service?.shutdown();
});

const start = (workflowType: string, taskQueue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}) =>
  connection.workflowService.startWorkflowExecution({
    namespace: 'default', workflowId: `raw-${randomUUID()}`, workflowType: { name: workflowType }, taskQueue: { name: taskQueue },
    requestId: randomUUID(), ...extra,
  });

test('a workflow task not answered within its timeout is timed out and dispatched again as attempt 2', async () => {
  const taskQueue = `raw-${randomUUID()}`;
  const started = await start('abandoned', taskQueue, { workflowTaskTimeout: { seconds: 1 as unknown as Long } });
  const first = await connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'lost-worker' });
  expect(first.attempt).toBe(1);
  expect(Number(first.startedEventId)).toBe(3);
  const wallStart = Date.now();
  const second = await connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'next-worker' });
  expect(Date.now() - wallStart).toBeGreaterThanOrEqual(800);
  expect(second.workflowExecution?.runId).toBe(started.runId);
  expect(second.attempt).toBe(2);
  const types = second.history?.events?.map((e) => e.eventType);
  expect(types).toEqual([
    ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ET.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  ]);
  expect(Number(second.startedEventId)).toBe(6);
  expect(Number(second.previousStartedEventId)).toBe(0);
});

test('the same request id starts one run only', async () => {
  const requestId = randomUUID();
  const workflowId = `dedupe-${randomUUID()}`;
  const a = await start('dedupe', 'q', { workflowId, requestId });
  const b = await start('dedupe', 'q', { workflowId, requestId });
  expect(b.runId).toBe(a.runId);
});

test('list filters by WorkflowType and ExecutionStatus; a bad query is a clear INVALID_ARGUMENT', async () => {
  const type = `listed-${randomUUID()}`;
  const kept = await start(type, 'q');
  const gone = await start(type, 'q');
  const listAll = await connection.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowType = '${type}'` });
  expect(listAll.executions?.map((e) => e.execution?.runId).sort()).toEqual([kept.runId, gone.runId].sort());
  const goneExecution = listAll.executions?.find((e) => e.execution?.runId === gone.runId)?.execution;
  await connection.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: goneExecution, reason: 'test' });
  const running = await connection.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowType = '${type}' AND ExecutionStatus = 'Running'` });
  expect(running.executions?.map((e) => e.execution?.runId)).toEqual([kept.runId]);
  const count = await connection.workflowService.countWorkflowExecutions({ namespace: 'default', query: `WorkflowType = '${type}' AND ExecutionStatus = 'Terminated'` });
  expect(Number(count.count)).toBe(1);
  await expect(connection.workflowService.listWorkflowExecutions({ namespace: 'default', query: 'WorkflowType ~ x' })).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringContaining('cannot parse clause "WorkflowType ~ x"'),
  });
});

test('an RPC the service does not implement answers UNIMPLEMENTED naming the method', async () => {
  await expect(connection.workflowService.resetWorkflowExecution({ namespace: 'default' })).rejects.toMatchObject({
    code: status.UNIMPLEMENTED,
    details: expect.stringContaining('ResetWorkflowExecution'),
  });
});

test('a task token the service did not issue is rejected as INVALID_ARGUMENT', async () => {
  await expect(connection.workflowService.respondActivityTaskCompleted({ namespace: 'default', taskToken: Buffer.from('forged') })).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: 'RespondActivityTaskCompleted: taskToken was not issued by this service for an activity task',
  });
});
