import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { createTemporalEnv, type TemporalEnv } from '../helpers/temporal-env';
import * as activities from './conformance-activities';
import * as workflows from './workflows/conformance';
import { eventsOf, typesOf } from './history-helpers';

let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/conformance'), activities });
});
afterAll(async () => {
  await env?.teardown();
});

async function failureOf(promise: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

test('a child workflow result reaches the parent', async () => {
  const handle = await env.start(workflows.parentWorkflow, { args: [false] });
  expect(await handle.result()).toBe('child greets parent');
  const history = await handle.fetchHistory();
  const types = typesOf(history);
  expect(types).toEqual(expect.arrayContaining(['StartChildWorkflowExecutionInitiated', 'ChildWorkflowExecutionStarted', 'ChildWorkflowExecutionCompleted']));
  const [initiated] = eventsOf(history, 'StartChildWorkflowExecutionInitiated');
  const [completed] = eventsOf(history, 'ChildWorkflowExecutionCompleted');
  expect(Number(completed.childWorkflowExecutionCompletedEventAttributes?.initiatedEventId)).toBe(Number(initiated.eventId));
  const childId = completed.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ?? '';
  const child = await env.client.workflow.getHandle(childId).describe();
  expect(child.parentExecution?.workflowId).toBe(handle.workflowId);
  expect(child.status.name).toBe('COMPLETED');
});

test('a child workflow failure reaches the parent as ChildWorkflowFailure', async () => {
  const handle = await env.start(workflows.parentWorkflow, { args: [true] });
  expect(await handle.result()).toBe('child failed: ChildRefused: child refused parent');
  expect(typesOf(await handle.fetchHistory())).toContain('ChildWorkflowExecutionFailed');
});

test('a failing workflow reaches the client as WorkflowFailedError with its ApplicationFailure', async () => {
  const handle = await env.start(workflows.failingWorkflow);
  const err = await failureOf(handle.result());
  expect(err.cause).toBeInstanceOf(ApplicationFailure);
  expect((err.cause as ApplicationFailure).type).toBe('IngestionGaveUp');
  expect(typesOf(await handle.fetchHistory()).at(-1)).toBe('WorkflowExecutionFailed');
});

test('cancellation reaches the client as WorkflowFailedError caused by CancelledFailure', async () => {
  const handle = await env.start(workflows.waitForeverWorkflow);
  await handle.cancel();
  const err = await failureOf(handle.result());
  expect(err.cause).toBeInstanceOf(CancelledFailure);
  const types = typesOf(await handle.fetchHistory());
  expect(types).toContain('WorkflowExecutionCancelRequested');
  expect(types.at(-1)).toBe('WorkflowExecutionCanceled');
});

test('termination reaches the client as WorkflowFailedError caused by TerminatedFailure', async () => {
  const handle = await env.start(workflows.waitForeverWorkflow);
  await handle.terminate('operator stopped it');
  const err = await failureOf(handle.result());
  expect(err.cause).toBeInstanceOf(TerminatedFailure);
  expect(err.message).toBe('operator stopped it');
  expect((await handle.describe()).status.name).toBe('TERMINATED');
});

test('continue-as-new chains runs and the client follows them to the final result', async () => {
  const handle = await env.start(workflows.continueAsNewWorkflow, { args: [1] });
  expect(await handle.result()).toBe('finished at round 3 of run chain true');
  const first = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
  const [can] = eventsOf(first, 'WorkflowExecutionContinuedAsNew');
  expect(can.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId).toBeTruthy();
  const runs = [];
  for await (const info of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(info.status.name);
  expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
});

test('a duplicate workflow id is rejected while the first run is open', async () => {
  const first = await env.start(workflows.waitForeverWorkflow);
  await expect(env.start(workflows.waitForeverWorkflow, { workflowId: first.workflowId })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  await first.terminate('test done');
  const second = await env.start(workflows.greetingWorkflow, { workflowId: first.workflowId, args: ['again'] });
  expect(await second.result()).toBe('Hello, again!');
});
