import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { Workflow } from '@temporalio/common';
import { quietRuntime, type RunOptions } from '../helpers/temporal-env';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';
import { searchAttributesFromArgs } from '../../local/temporal/search-attribute-args';
import { childWithKeyword, quick, setThenUnset, upsertDeclaredKeyword, upsertKeyword, waitForFinish } from './workflows/search-attribute-workflows';

const IVT = temporal.api.enums.v1.IndexedValueType;
const ET = temporal.api.enums.v1.EventType;
const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
const Priority = defineSearchAttributeKey('Priority', SearchAttributeType.INT);
const PriorityAsKeyword = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
const Unregistered = defineSearchAttributeKey('NeverRegistered', SearchAttributeType.KEYWORD);

/**
 * The dev server's behaviour (real time, SQL visibility) is what these tests pin down: the local
 * service as `temporal server start-dev` (or TEMPORAL_ADDRESS, a real dev server), not the
 * time-skipping test server.
 */
let service: LocalTemporal | undefined;
let testEnv: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `sa-${randomUUID()}`;
const env = {
  get client() {
    return testEnv.client;
  },
  taskQueue,
  start: <W extends Workflow>(workflow: W, opts: RunOptions = {}) =>
    testEnv.client.workflow.start(workflow, { ...opts, taskQueue, workflowId: opts.workflowId ?? `sa-${randomUUID()}` } as never),
};
const operator = () => testEnv.client.connection.operatorService;

beforeAll(async () => {
  quietRuntime();
  const external = process.env.TEMPORAL_ADDRESS;
  service = external ? undefined : await startLocalTemporal({ port: 0 });
  testEnv = await TestWorkflowEnvironment.createFromExistingServer({ address: external ?? (service as LocalTemporal).address });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/search-attribute-workflows'), logger: new DefaultLogger('WARN') });
  worker = await Worker.create({ connection: testEnv.nativeConnection, namespace: 'default', taskQueue, workflowBundle, shutdownGraceTime: '1s' });
  running = worker.run();
  await operator().addSearchAttributes({ namespace: 'default', searchAttributes: { OrderId: IVT.INDEXED_VALUE_TYPE_KEYWORD, Priority: IVT.INDEXED_VALUE_TYPE_INT } });
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await testEnv?.teardown();
  await service?.shutdown();
});

/** The gRPC error under the SDK's wrapping (ServiceError → cause). */
async function grpcErrorOf(promise: Promise<unknown>): Promise<{ code?: number; details?: string }> {
  const err = await promise.then(() => undefined, (e: unknown) => e as { code?: number; details?: string; cause?: unknown });
  if (!err) throw new Error('expected the call to be refused');
  let e = err as { code?: number; details?: string; cause?: unknown };
  while (e.code === undefined && e.cause) e = e.cause as typeof e;
  return e;
}

/** Long-polls the run's history until an event satisfies `wanted`. */
async function waitForEvent(workflowId: string, wanted: (e: temporal.api.history.v1.IHistoryEvent) => boolean) {
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const page = await env.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, waitNewEvent: true, nextPageToken });
    const hit = page.history?.events?.find(wanted);
    if (hit) return hit;
    if (!page.nextPageToken?.length) throw new Error(`history of ${workflowId} ended without the awaited event`);
    nextPageToken = page.nextPageToken;
  }
}

test('OperatorService lists what was added with its type, next to the system attributes; remove takes it away', async () => {
  await operator().addSearchAttributes({ namespace: 'default', searchAttributes: { Temporary: IVT.INDEXED_VALUE_TYPE_DATETIME } });
  const listed = await operator().listSearchAttributes({ namespace: 'default' });
  expect(listed.customAttributes).toMatchObject({ OrderId: IVT.INDEXED_VALUE_TYPE_KEYWORD, Priority: IVT.INDEXED_VALUE_TYPE_INT, Temporary: IVT.INDEXED_VALUE_TYPE_DATETIME });
  expect(listed.systemAttributes).toMatchObject({ WorkflowId: IVT.INDEXED_VALUE_TYPE_KEYWORD, StartTime: IVT.INDEXED_VALUE_TYPE_DATETIME, TemporalScheduledById: IVT.INDEXED_VALUE_TYPE_KEYWORD });
  expect(listed.customAttributes).not.toHaveProperty('WorkflowId');

  await operator().removeSearchAttributes({ namespace: 'default', searchAttributes: ['Temporary'] });
  const after = await operator().listSearchAttributes({ namespace: 'default' });
  expect(after.customAttributes).not.toHaveProperty('Temporary');
  expect(after.customAttributes).toHaveProperty('OrderId');
});

test('OperatorService refuses reserved names, removing system attributes and more columns of a type than SQL visibility has', async () => {
  expect(await grpcErrorOf(operator().addSearchAttributes({ namespace: 'default', searchAttributes: { TemporalOwn: IVT.INDEXED_VALUE_TYPE_KEYWORD } }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: 'Search attribute TemporalOwn is reserved by system.',
  });
  expect(await grpcErrorOf(operator().removeSearchAttributes({ namespace: 'default', searchAttributes: ['WorkflowId'] }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: 'Unable to remove non-custom search attributes: WorkflowId.',
  });
  expect(await grpcErrorOf(operator().listSearchAttributes({}))).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'Namespace is not set on request.' });
  const bools = { Flag1: IVT.INDEXED_VALUE_TYPE_BOOL, Flag2: IVT.INDEXED_VALUE_TYPE_BOOL, Flag3: IVT.INDEXED_VALUE_TYPE_BOOL, Flag4: IVT.INDEXED_VALUE_TYPE_BOOL };
  expect(await grpcErrorOf(operator().addSearchAttributes({ namespace: 'default', searchAttributes: bools }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: 'Unable to create search attributes: cannot have more than 3 search attribute of type Bool.',
  });
  expect((await operator().listSearchAttributes({ namespace: 'default' })).customAttributes).not.toHaveProperty('Flag1');
});

test('a start with an unregistered attribute is refused as the dev server refuses it; so is signal-with-start', async () => {
  const refused = await grpcErrorOf(env.start(quick, { typedSearchAttributes: [{ key: Unregistered, value: 'x' }] }));
  expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'Namespace default has no mapping defined for search attribute NeverRegistered' });
  const withSignal = await grpcErrorOf(
    env.client.workflow.signalWithStart(waitForFinish, {
      taskQueue: env.taskQueue, workflowId: `sws-${randomUUID()}`, signal: 'finish', typedSearchAttributes: [{ key: Unregistered, value: 'x' }],
    }),
  );
  expect(withSignal).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('no mapping defined for search attribute NeverRegistered') });
});

test('a start whose value does not fit the registered type is refused; a system attribute cannot be set', async () => {
  expect(await grpcErrorOf(env.start(quick, { typedSearchAttributes: [{ key: PriorityAsKeyword, value: 'high' }] }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: 'invalid value for search attribute Priority of type Int: high',
  });
  const systemKey = defineSearchAttributeKey('WorkflowType', SearchAttributeType.KEYWORD);
  expect(await grpcErrorOf(env.start(quick, { typedSearchAttributes: [{ key: systemKey, value: 'x' }] }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: "WorkflowType attribute can't be set in SearchAttributes",
  });
});

test('a schedule whose workflow action carries an unregistered attribute is refused at creation', async () => {
  const refused = await grpcErrorOf(
    env.client.schedule.create({
      scheduleId: `sa-${randomUUID()}`, spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: quick, taskQueue: env.taskQueue, typedSearchAttributes: [{ key: Unregistered, value: 'x' }] },
    }),
  );
  expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'Namespace default has no mapping defined for search attribute NeverRegistered' });
});

test('an upsert of an unregistered attribute fails the workflow task with BAD_SEARCH_ATTRIBUTES; a registered one is kept', async () => {
  const bad = await env.start(upsertKeyword, { args: ['NeverRegistered', 'x'] });
  const failed = await waitForEvent(bad.workflowId, (e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  const attrs = failed.workflowTaskFailedEventAttributes;
  expect(attrs?.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
  expect(attrs?.failure?.message).toBe('BadSearchAttributes: Namespace default has no mapping defined for search attribute NeverRegistered');
  expect((await bad.describe()).status.name).toBe('RUNNING');
  await bad.terminate('test done');

  const good = await env.start(upsertKeyword, { args: ['OrderId', 'order-7'] });
  expect(await good.result()).toEqual({ OrderId: 'order-7' });
  expect((await good.describe()).typedSearchAttributes.get(OrderId)).toBe('order-7');
});

test('an upsert with a null value removes the attribute, as Temporal merges upserts', async () => {
  const handle = await env.start(setThenUnset, { args: ['OrderId', `gone-${randomUUID()}`], typedSearchAttributes: [{ key: Priority, value: 4 }] });
  await waitForEvent(handle.workflowId, (e) => Number(e.eventType) === ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES && e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.OrderId?.data?.length === 4);
  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(OrderId)).toBeUndefined();
  expect(described.typedSearchAttributes.get(Priority)).toBe(4);
  const found: string[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}' AND OrderId IS NULL AND Priority = 4` })) found.push(w.workflowId);
  expect(found).toEqual([handle.workflowId]);
  await handle.signal('finish');
  await handle.result();
});

test('an upsert whose value does not fit the registered type fails the workflow task with the validator message', async () => {
  const handle = await env.start(upsertDeclaredKeyword, { args: ['Priority'] });
  const failed = await waitForEvent(handle.workflowId, (e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  expect(failed.workflowTaskFailedEventAttributes?.failure?.message).toBe('BadSearchAttributes: invalid value for search attribute Priority of type Int: not-a-number');
  await handle.terminate('test done');
});

test('a child start with a refused attribute fails the parent workflow task: unmapped as is, mistyped wrapped with the command', async () => {
  const unmapped = await env.start(childWithKeyword, { args: ['NeverRegistered'] });
  const first = await waitForEvent(unmapped.workflowId, (e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  expect(first.workflowTaskFailedEventAttributes?.failure?.message).toBe('BadSearchAttributes: Namespace default has no mapping defined for search attribute NeverRegistered');
  await unmapped.terminate('test done');

  const mistyped = await env.start(childWithKeyword, { args: ['Priority'] });
  const second = await waitForEvent(mistyped.workflowId, (e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  expect(second.workflowTaskFailedEventAttributes?.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
  expect(second.workflowTaskFailedEventAttributes?.failure?.message).toBe(
    `BadSearchAttributes: invalid SearchAttributes on StartChildWorkflowCommand: invalid value for search attribute Priority of type Int: v. WorkflowId=${mistyped.workflowId}-child WorkflowType=quick Namespace=default`,
  );
  await mistyped.terminate('test done');
});

test('list filters compare registered custom attributes by their type; an unknown attribute is refused', async () => {
  const batch = randomUUID();
  const started = await Promise.all(
    [1, 5, 9].map((p) => env.start(quick, { typedSearchAttributes: [{ key: OrderId, value: `${batch}-${p}` }, { key: Priority, value: p }] })),
  );
  await Promise.all(started.map((h) => h.result()));
  const ids = async (query: string) => {
    const out: string[] = [];
    for await (const w of env.client.workflow.list({ query })) out.push(w.workflowId);
    return out.sort();
  };
  const byPriority = (...ps: number[]) => ps.map((p) => started[[1, 5, 9].indexOf(p)].workflowId).sort();
  const mine = `OrderId IN ('${batch}-1', '${batch}-5', '${batch}-9')`;
  expect(await ids(`${mine} AND Priority > 3`)).toEqual(byPriority(5, 9));
  expect(await ids(`${mine} AND Priority BETWEEN 1 AND 5 AND ExecutionStatus = 'Completed'`)).toEqual(byPriority(1, 5));
  expect(await ids(`OrderId = '${batch}-9' OR (${mine} AND Priority <= 1)`)).toEqual(byPriority(1, 9));
  expect(await grpcErrorOf(env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: "Nope = 'x'" }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: "invalid query: invalid expression: column name 'Nope' is not a valid search attribute",
  });
  expect(await grpcErrorOf(env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: "Priority = 'high'" }))).toMatchObject({
    code: status.INVALID_ARGUMENT, details: 'invalid query: invalid expression: invalid value type for search attribute Priority of type Int: "high" (type: string)',
  });
});

test('the launcher convention --search-attribute Name=Type registers attributes at start, as startLocalTemporal options do', async () => {
  const { searchAttributes, rest } = searchAttributesFromArgs(['--port', '0', '--search-attribute', 'CustomerId=keyword', '--search-attribute=Tags=KeywordList']);
  expect(rest).toEqual(['--port', '0']);
  expect(searchAttributes).toEqual({ CustomerId: IVT.INDEXED_VALUE_TYPE_KEYWORD, Tags: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST });
  expect(() => searchAttributesFromArgs(['--search-attribute', 'Bad=Number'])).toThrow('invalid search attribute value type "Number"');
  expect(() => searchAttributesFromArgs(['--search-attribute', 'NoType'])).toThrow(`missing expected '=' in "NoType"`);

  const service = await startLocalTemporal({ port: 0, searchAttributes: { ...searchAttributes, Amount: 'DOUBLE' } });
  const connection = await Connection.connect({ address: service.address });
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(listed.customAttributes).toEqual({ CustomerId: IVT.INDEXED_VALUE_TYPE_KEYWORD, Tags: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST, Amount: IVT.INDEXED_VALUE_TYPE_DOUBLE });
  } finally {
    await connection.close();
    await service.shutdown();
  }
});
