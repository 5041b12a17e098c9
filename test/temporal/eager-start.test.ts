import type Long from 'long';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { quietRuntime } from '../helpers/temporal-env';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';
import { quick } from './workflows/search-attribute-workflows';

const ET = temporal.api.enums.v1.EventType;
const CT = temporal.api.enums.v1.CommandType;
const external = process.env.TEMPORAL_ADDRESS;

let service: LocalTemporal | undefined;
let native: NativeConnection;
let plain: Connection;
let worker: Worker;
let running: Promise<void>;
let client: Client;
const taskQueue = `eager-${randomUUID()}`;

beforeAll(async () => {
  quietRuntime();
  service = external ? undefined : await startLocalTemporal({ port: 0, timeSkipping: 'off' });
  const address = external ?? (service as LocalTemporal).address;
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/search-attribute-workflows'), logger: new DefaultLogger('WARN') });
  native = await NativeConnection.connect({ address });
  plain = await Connection.connect({ address });
  worker = await Worker.create({ connection: native, namespace: 'default', taskQueue, workflowBundle, identity: 'eager-worker', shutdownGraceTime: '1s' });
  running = worker.run();
  // The SDK asks for eager start only through a NativeConnection shared with a worker.
  client = new Client({ connection: native, namespace: 'default', identity: 'eager-client' });
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await plain?.close();
  await native?.close();
  await service?.shutdown();
});

const workflowTaskStarts = async (workflowId: string) => {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_STARTED);
};

test('the service reports eager workflow start, in system info and in the namespace capabilities', async () => {
  const info = await plain.workflowService.getSystemInfo({});
  expect(info.capabilities?.eagerWorkflowStart).toBe(true);
  const ns = await plain.workflowService.describeNamespace({ namespace: 'default' });
  expect(ns.namespaceInfo?.capabilities?.eagerWorkflowStart).toBe(true);
});

test('an eager start through the SDK runs the first workflow task from the start response, never through a poll', async () => {
  const workflowId = `eager-${randomUUID()}`;
  const handle = await client.workflow.start(quick, { taskQueue, workflowId, requestEagerStart: true });
  expect(handle.eagerlyStarted).toBe(true);
  expect(await handle.result()).toBe('quick');
  // The only workflow task was started by the start request itself (its identity), not by the worker's poll.
  const starts = await workflowTaskStarts(workflowId);
  expect(starts).toHaveLength(1);
  expect(Number(starts[0].eventId)).toBe(3);
  expect(starts[0].workflowTaskStartedEventAttributes?.identity).toBe('eager-client');
});

test('without eager start the same workflow task goes through the worker poll', async () => {
  const workflowId = `polled-${randomUUID()}`;
  const handle = await client.workflow.start(quick, { taskQueue, workflowId });
  expect(handle.eagerlyStarted).toBe(false);
  expect(await handle.result()).toBe('quick');
  const starts = await workflowTaskStarts(workflowId);
  expect(starts.map((e) => e.workflowTaskStartedEventAttributes?.identity)).toEqual(['eager-worker']);
});

const rawStart = (extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest>) =>
  plain.workflowService.startWorkflowExecution({
    namespace: 'default', workflowId: `raw-eager-${randomUUID()}`, workflowType: { name: 'rawEager' }, taskQueue: { name: `raw-${randomUUID()}` },
    requestId: randomUUID(), identity: 'raw-starter', requestEagerExecution: true, ...extra,
  });

test('the eager task is the poll response Temporal builds: history up to WorkflowTaskStarted, a token that completes the task', async () => {
  const requestId = randomUUID();
  const started = await rawStart({ requestId });
  const task = started.eagerWorkflowTask;
  expect(task).toBeTruthy();
  expect(Number(task?.startedEventId)).toBe(3);
  expect(task?.attempt).toBe(1);
  expect(task?.workflowExecution?.runId).toBe(started.runId);
  expect(task?.history?.events?.map((e) => Number(e.eventType))).toEqual([
    ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  ]);
  const startedAttrs = task?.history?.events?.[2].workflowTaskStartedEventAttributes;
  expect(startedAttrs).toMatchObject({ identity: 'raw-starter', requestId });

  // The same request again (a client retry) is answered with the same started task.
  const retried = await rawStart({ requestId, workflowId: task?.workflowExecution?.workflowId ?? '' });
  expect(retried.runId).toBe(started.runId);
  expect(Buffer.from(retried.eagerWorkflowTask?.taskToken ?? []).equals(Buffer.from(task?.taskToken ?? []))).toBe(true);

  await plain.workflowService.respondWorkflowTaskCompleted({
    namespace: 'default', taskToken: task?.taskToken, identity: 'raw-worker',
    commands: [{ commandType: CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  const described = await plain.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: task?.workflowExecution?.workflowId, runId: started.runId } });
  expect(described.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
});

test('a start whose first workflow task waits (start delay) is not eager, as Temporal denies it', async () => {
  const started = await rawStart({ workflowStartDelay: { seconds: 3600 as unknown as Long } });
  expect(started.runId).toBeTruthy();
  expect(started.eagerWorkflowTask ?? null).toBeNull();
});
