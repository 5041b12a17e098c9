/**
 * Workflow Update through the real SDK on the local service: accepted and completed,
 * rejected by its validator (no trace in the history), failed by its handler,
 * de-duplicated by update id, and update-with-start.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { createTemporalEnv, type TemporalEnv } from '../helpers/temporal-env';
import { typesOf, eventsOf } from './history-helpers';
import { addItem, cartWorkflow, finish, itemsQuery } from './workflows/updates';

let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/updates') });
});
afterAll(async () => {
  await env?.teardown();
});

test('an update is accepted and completed: its result returns, the history holds UpdateAccepted then UpdateCompleted', async () => {
  const handle = await env.start(cartWorkflow);
  expect(await handle.executeUpdate(addItem, { args: ['aspirin'] })).toBe(1);
  expect(await handle.executeUpdate(addItem, { args: ['dipirona'] })).toBe(2);
  await handle.signal(finish);
  expect(await handle.result()).toEqual(['aspirin', 'dipirona']);
  const history = await handle.fetchHistory();
  const types = typesOf(history);
  expect(types.filter((t) => t.startsWith('WorkflowExecutionUpdate'))).toEqual([
    'WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted', 'WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted',
  ]);
  const [accepted] = eventsOf(history, 'WorkflowExecutionUpdateAccepted');
  const [completed] = eventsOf(history, 'WorkflowExecutionUpdateCompleted');
  expect(accepted.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe('addItem');
  expect(Number(completed.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId)).toBe(Number(accepted.eventId));
});

test('an update refused by its validator fails the caller and leaves no event in the history', async () => {
  const handle = await env.start(cartWorkflow);
  expect(await handle.query(itemsQuery)).toEqual([]);
  const before = typesOf(await handle.fetchHistory());
  const refused = await handle.executeUpdate(addItem, { args: [''] }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause?.message).toBe('an item must not be empty');
  expect(typesOf(await handle.fetchHistory())).toEqual(before);
  expect(await handle.executeUpdate(addItem, { args: ['after the refusal'] })).toBe(1);
  await handle.signal(finish);
  expect(await handle.result()).toEqual(['after the refusal']);
});

test('an update failed by its handler was accepted: the caller gets the failure, the history holds the failed outcome', async () => {
  const handle = await env.start(cartWorkflow);
  const failed = await handle.executeUpdate(addItem, { args: ['poison'] }).catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((failed as WorkflowUpdateFailedError).cause?.message).toBe('poisoned item refused by the handler');
  const [completed] = eventsOf(await handle.fetchHistory(), 'WorkflowExecutionUpdateCompleted');
  expect(completed.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure?.message).toBe('poisoned item refused by the handler');
  await handle.signal(finish);
  expect(await handle.result()).toEqual([]);
});

test('the same update id sent twice runs once and both callers get its result', async () => {
  const handle = await env.start(cartWorkflow);
  const updateId = `add-${randomUUID()}`;
  const first = await handle.startUpdate(addItem, { args: ['once'], updateId, waitForStage: 'ACCEPTED' });
  const again = await handle.executeUpdate(addItem, { args: ['once'], updateId });
  expect(await first.result()).toBe(1);
  expect(again).toBe(1);
  expect(await env.client.workflow.getHandle(handle.workflowId).getUpdateHandle<number>(updateId).result()).toBe(1);
  await handle.signal(finish);
  expect(await handle.result()).toEqual(['once']);
  expect(eventsOf(await handle.fetchHistory(), 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
});

test('update-with-start starts the workflow and delivers the update in its first task; a second one reaches the running workflow', async () => {
  const workflowId = `cart-${randomUUID()}`;
  const startOp = () => new WithStartWorkflowOperation(cartWorkflow, { workflowId, taskQueue: env.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
  const firstStart = startOp();
  expect(await env.client.workflow.executeUpdateWithStart(addItem, { args: ['first'], startWorkflowOperation: firstStart })).toBe(1);
  const handle = await firstStart.workflowHandle();
  const secondStart = startOp();
  expect(await env.client.workflow.executeUpdateWithStart(addItem, { args: ['second'], startWorkflowOperation: secondStart })).toBe(2);
  expect((await (await secondStart.workflowHandle()).describe()).runId).toBe((await handle.describe()).runId);
  await handle.signal(finish);
  expect(await handle.result()).toEqual(['first', 'second']);
  expect(typesOf(await handle.fetchHistory()).slice(0, 5)).toEqual([
    'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionUpdateAccepted',
  ]);
});
