import { createTemporalEnv, skippedMs, type TemporalEnv } from '../helpers/temporal-env';
import * as activities from './conformance-activities';
import * as workflows from './workflows/conformance';
import { eventsOf, typesOf } from './history-helpers';

let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/conformance'), activities });
  activities.observed.serviceSleep = (ms) => env.testEnv.sleep(ms);
});
afterAll(async () => {
  await env?.teardown();
});

test('a 20-minute sleep completes in under a second of wall time with time skipping', async () => {
  const wallStart = Date.now();
  const handle = await env.start(workflows.longSleepWorkflow);
  const workflowElapsedMs = await handle.result();
  expect(Date.now() - wallStart).toBeLessThan(1000);
  expect(workflowElapsedMs).toBeGreaterThanOrEqual(20 * 60_000);
  const history = await handle.fetchHistory();
  expect(typesOf(history)).toEqual([
    'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'TimerStarted',
    'TimerFired', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted',
  ]);
  const [started] = eventsOf(history, 'TimerStarted');
  const [fired] = eventsOf(history, 'TimerFired');
  expect(Number(fired.timerFiredEventAttributes?.startedEventId)).toBe(Number(started.eventId));
  expect(Number(fired.eventTime?.seconds) - Number(started.eventTime?.seconds)).toBeGreaterThanOrEqual(1200);
});

test('a query answers while the workflow waits on condition; a signal releases it', async () => {
  const handle = await env.start(workflows.approvalWorkflow);
  expect(await handle.query(workflows.statusQuery)).toBe('waiting for approval');
  await handle.signal(workflows.approveSignal, 'operations');
  expect(await handle.result()).toBe('approved by operations');
  expect(await handle.query(workflows.statusQuery)).toBe('approved by operations');
  const history = await handle.fetchHistory();
  const [signaled] = eventsOf(history, 'WorkflowExecutionSignaled');
  expect(signaled.workflowExecutionSignaledEventAttributes?.signalName).toBe('approve');
  expect(typesOf(history).at(-1)).toBe('WorkflowExecutionCompleted');
});

test('condition with a 2-hour timeout returns false after 2 hours of workflow time', async () => {
  const wallStart = Date.now();
  const handle = await env.start(workflows.conditionTimeoutWorkflow);
  const outcome = await handle.result();
  expect(outcome.satisfied).toBe(false);
  expect(outcome.waitedMs).toBeGreaterThanOrEqual(2 * 3600_000);
  expect(Date.now() - wallStart).toBeLessThan(2000);
  const history = await handle.fetchHistory();
  expect(eventsOf(history, 'TimerStarted')[0].timerStartedEventAttributes?.startToFireTimeout?.seconds?.toString()).toBe('7200');
  expect(typesOf(history)).toContain('TimerFired');
});

test('the service clock runs ahead of wall time by what it skipped', async () => {
  expect(await skippedMs(env.testEnv)).toBeGreaterThanOrEqual(2 * 3600_000 + 20 * 60_000 - 10_000);
});

test('time stays locked while nobody awaits a result: a 2-hour condition can be queried and signalled before it times out', async () => {
  const serviceStart = await env.testEnv.currentTimeMs();
  const handle = await env.start(workflows.approvalWithDeadlineWorkflow);
  expect(await handle.query(workflows.statusQuery)).toBe('waiting for approval');
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect((await env.testEnv.currentTimeMs()) - serviceStart).toBeLessThan(60_000);
  await handle.signal(workflows.approveSignal, 'operations');
  const outcome = await handle.result();
  expect(outcome).toEqual({ approver: 'operations', satisfied: true, waitedMs: expect.any(Number) });
  expect(outcome.waitedMs).toBeLessThan(60_000);
});

test('the same 2-hour condition times out in under a second of wall time once the client awaits the result', async () => {
  const handle = await env.start(workflows.approvalWithDeadlineWorkflow);
  const wallStart = Date.now();
  const outcome = await handle.result();
  expect(Date.now() - wallStart).toBeLessThan(1000);
  expect(outcome.satisfied).toBe(false);
  expect(outcome.waitedMs).toBeGreaterThanOrEqual(2 * 3600_000);
});

test('env.sleep moves the clock past a timer while an activity is in flight; locked again afterwards', async () => {
  const handle = await env.start(workflows.timerBesideSleepingActivityWorkflow);
  const outcome = await handle.result();
  expect(outcome).toEqual({ timerFiredBeforeActivityReturned: true });
  const before = await env.testEnv.currentTimeMs();
  const started = await env.start(workflows.approvalWithDeadlineWorkflow);
  expect(await started.query(workflows.statusQuery)).toBe('waiting for approval');
  expect((await env.testEnv.currentTimeMs()) - before).toBeLessThan(60_000);
  await started.terminate('test over');
});

test('signal-with-start delivers the signal to the run it starts', async () => {
  const handle = await env.client.workflow.signalWithStart(workflows.approvalWorkflow, {
    taskQueue: env.taskQueue, workflowId: `sws-${Date.now()}`, signal: workflows.approveSignal, signalArgs: ['on-call'],
  });
  expect(await handle.result()).toBe('approved by on-call');
  expect(typesOf(await handle.fetchHistory()).slice(0, 3)).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionSignaled', 'WorkflowTaskScheduled']);
});
