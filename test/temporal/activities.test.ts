import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
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

test('an activity failing twice is retried with backoff and succeeds on attempt 3', async () => {
  const handle = await env.start(workflows.flakyWorkflow, { args: ['flaky-1'] });
  expect(await handle.result()).toBe(3);
  expect(activities.observed.attempts.get('flaky-1')).toEqual([1, 2, 3]);
  const history = await handle.fetchHistory();
  const [started] = eventsOf(history, 'ActivityTaskStarted');
  expect(started.activityTaskStartedEventAttributes?.attempt).toBe(3);
  expect(started.activityTaskStartedEventAttributes?.lastFailure?.message).toBe('attempt 2 failed');
  const [scheduled] = eventsOf(history, 'ActivityTaskScheduled');
  const [completed] = eventsOf(history, 'ActivityTaskCompleted');
  // backoff 1 s then 2 s on the service clock (skipped, not waited)
  const waitedMs = Number(completed.eventTime?.seconds) * 1000 - Number(scheduled.eventTime?.seconds) * 1000;
  expect(waitedMs).toBeGreaterThanOrEqual(3000);
  expect(typesOf(history).filter((t) => t.startsWith('ActivityTask'))).toEqual(['ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted']);
});

test('a non-retryable failure surfaces as ActivityFailure carrying its ApplicationFailure type', async () => {
  const handle = await env.start(workflows.nonRetryableWorkflow);
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (err as WorkflowFailedError).cause;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  expect((activityFailure as ActivityFailure).retryState).toBe('NON_RETRYABLE_FAILURE');
  const cause = (activityFailure as ActivityFailure).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('InvalidInput');
  const history = await handle.fetchHistory();
  const [failed] = eventsOf(history, 'ActivityTaskFailed');
  expect(failed.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type).toBe('InvalidInput');
  expect(eventsOf(history, 'ActivityTaskStarted')[0].activityTaskStartedEventAttributes?.attempt).toBe(1);
  expect(typesOf(history).at(-1)).toBe('WorkflowExecutionFailed');
});

test('a start-to-close timeout is retried, then reported as TimeoutFailure START_TO_CLOSE', async () => {
  const handle = await env.start(workflows.startToCloseTimeoutWorkflow, { args: [3000] });
  const outcome = await handle.result();
  expect(outcome).toMatchObject({ failure: 'ActivityFailure', cause: 'TimeoutFailure', timeoutType: 'START_TO_CLOSE', retryState: 'MAXIMUM_ATTEMPTS_REACHED' });
  const history = await handle.fetchHistory();
  const [timedOut] = eventsOf(history, 'ActivityTaskTimedOut');
  expect(timedOut.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType).toBe(1);
  expect(eventsOf(history, 'ActivityTaskStarted')[0].activityTaskStartedEventAttributes?.attempt).toBe(2);
});

test('a heartbeat timeout is reported as TimeoutFailure HEARTBEAT with the last heartbeat details', async () => {
  const handle = await env.start(workflows.heartbeatTimeoutWorkflow);
  const outcome = await handle.result();
  expect(outcome).toMatchObject({ cause: 'TimeoutFailure', timeoutType: 'HEARTBEAT', lastHeartbeatDetails: 'progress-1' });
  const history = await handle.fetchHistory();
  expect(eventsOf(history, 'ActivityTaskTimedOut')[0].activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType).toBe(4);
});

test('a cancelled activity sees the cancellation through its heartbeats', async () => {
  const handle = await env.start(workflows.cancelActivityWorkflow, { args: ['cancel-1'] });
  expect(await handle.result()).toBe('cancelled');
  expect(activities.observed.cancelledKeys.has('cancel-1')).toBe(true);
  const history = await handle.fetchHistory();
  const types = typesOf(history);
  expect(types).toContain('ActivityTaskCancelRequested');
  const [canceled] = eventsOf(history, 'ActivityTaskCanceled');
  const [requested] = eventsOf(history, 'ActivityTaskCancelRequested');
  expect(Number(canceled.activityTaskCanceledEventAttributes?.latestCancelRequestedEventId)).toBe(Number(requested.eventId));
  expect(Number(canceled.activityTaskCanceledEventAttributes?.startedEventId)).toBeGreaterThan(0);
});
