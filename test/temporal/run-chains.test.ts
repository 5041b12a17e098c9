/**
 * Cron schedules and workflow retry policies through the real SDK on the local test
 * server: a cron workflow's first run waits for the cron time and the next run starts
 * when one ends (each close event naming the next run); a failed run is retried as a
 * new run with the policy's backoff; non-retryable failures and exhausted attempts end
 * the chain.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createTemporalEnv, type TemporalEnv } from '../helpers/temporal-env';
import { eventsOf, typesOf } from './history-helpers';
import { cronTick, flakyUntil, refusesForGood } from './workflows/run-chains';

const MINUTE = 60_000;
const INITIATOR = temporal.api.enums.v1.ContinueAsNewInitiator;
const RETRY_STATE = temporal.api.enums.v1.RetryState;
let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/run-chains') });
});
afterAll(async () => {
  await env?.teardown();
});

const startedOf = async (workflowId: string, runId: string) =>
  (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;

test('a cron workflow waits for the first cron time, and its next run starts when the first ends', async () => {
  const workflowId = `cron-${randomUUID()}`;
  const handle = await env.start(cronTick, { workflowId, cronSchedule: '*/30 * * * *' });
  const now = await env.testEnv.currentTimeMs();
  const firstFire = Math.floor(now / (30 * MINUTE)) * 30 * MINUTE + 30 * MINUTE;
  // Nothing runs before the cron time: only the started event, with the backoff to it.
  expect(typesOf(await handle.fetchHistory())).toEqual(['WorkflowExecutionStarted']);
  const first = await startedOf(workflowId, handle.firstExecutionRunId);
  expect(first?.cronSchedule).toBe('*/30 * * * *');
  const backoffMs = Number(first?.firstWorkflowTaskBackoff?.seconds ?? 0) * 1000;
  expect(Math.abs(now + backoffMs - firstFire)).toBeLessThan(2000);

  await env.testEnv.sleep(firstFire - now + MINUTE);
  const firstHistory = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).fetchHistory();
  const [completed] = eventsOf(firstHistory, 'WorkflowExecutionCompleted');
  const secondRunId = completed.workflowExecutionCompletedEventAttributes?.newExecutionRunId ?? '';
  expect(secondRunId).not.toBe('');
  const second = await startedOf(workflowId, secondRunId);
  expect(second).toMatchObject({ initiator: INITIATOR.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, continuedExecutionRunId: handle.firstExecutionRunId, cronSchedule: '*/30 * * * *', attempt: 1 });
  expect(second?.lastCompletionResult?.payloads).toHaveLength(1);
  const description = await env.client.workflow.getHandle(workflowId).describe();
  expect([description.runId, description.status.name]).toEqual([secondRunId, 'RUNNING']);
  expect(typesOf(await env.client.workflow.getHandle(workflowId, secondRunId).fetchHistory())).toEqual(['WorkflowExecutionStarted']);
  await env.client.workflow.getHandle(workflowId).terminate('test over');
});

test('a start with a cron schedule that does not parse is refused', async () => {
  const refused = (await env.start(cronTick, { cronSchedule: 'every tuesday' }).then(() => undefined, (err: unknown) => err)) as { cause?: Error } | undefined;
  expect(refused?.cause?.message).toMatch(/INVALID_ARGUMENT: Invalid CronSchedule, failed to parse: "every tuesday"/);
});

test('a failed run is retried as a new run after the policy backoff, until an attempt succeeds', async () => {
  const handle = await env.start(flakyUntil, { args: [3], retry: { initialInterval: '10 minutes', backoffCoefficient: 2, maximumAttempts: 5 } });
  const serviceStart = await env.testEnv.currentTimeMs();
  expect(await handle.result()).toBe('succeeded on attempt 3');
  expect((await env.testEnv.currentTimeMs()) - serviceStart).toBeGreaterThanOrEqual(30 * MINUTE);

  const runs: string[] = [handle.firstExecutionRunId];
  for (let i = 0; i < 2; i++) {
    const history = await env.client.workflow.getHandle(handle.workflowId, runs[i]).fetchHistory();
    const [failed] = eventsOf(history, 'WorkflowExecutionFailed');
    expect(failed.workflowExecutionFailedEventAttributes).toMatchObject({ retryState: RETRY_STATE.RETRY_STATE_IN_PROGRESS, failure: { message: `attempt ${i + 1} failed` } });
    runs.push(failed.workflowExecutionFailedEventAttributes?.newExecutionRunId ?? '');
  }
  const third = await startedOf(handle.workflowId, runs[2]);
  expect(third).toMatchObject({ attempt: 3, initiator: INITIATOR.CONTINUE_AS_NEW_INITIATOR_RETRY, continuedExecutionRunId: runs[1], continuedFailure: { message: 'attempt 2 failed' } });
  expect(Number(third?.firstWorkflowTaskBackoff?.seconds)).toBe(20 * 60);
});

test('retries end at maximumAttempts, and a non-retryable failure is not retried', async () => {
  const exhausted = await env.start(flakyUntil, { args: [9], retry: { initialInterval: '1 minute', maximumAttempts: 2 } });
  const failure = await exhausted.result().catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((failure as WorkflowFailedError).cause?.message).toBe('attempt 2 failed');
  expect((failure as WorkflowFailedError).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');

  const refused = await env.start(refusesForGood, { retry: { initialInterval: '1 minute', maximumAttempts: 5 } });
  const final = await refused.result().catch((err: unknown) => err);
  expect((final as WorkflowFailedError).retryState).toBe('NON_RETRYABLE_FAILURE');
  expect(typesOf(await refused.fetchHistory()).at(-1)).toBe('WorkflowExecutionFailed');
  expect((await refused.describe()).runId).toBe(refused.firstExecutionRunId);
});
