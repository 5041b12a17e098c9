/** Activities for the conformance workflows; what they observed is kept for the tests to assert. */
import { ApplicationFailure, Context } from '@temporalio/activity';

export const observed = {
  attempts: new Map<string, number[]>(),
  cancelledKeys: new Set<string>(),
  /** The test environment's sleep (TestWorkflowEnvironment.sleep), set by the test file. */
  serviceSleep: undefined as ((ms: number) => Promise<void>) | undefined,
};

/** Sleeps on the service clock through the test environment, as an activity may in a time-skipping test. */
export async function sleepOnServiceClock(ms: number): Promise<void> {
  if (!observed.serviceSleep) throw new Error('observed.serviceSleep is not set');
  await observed.serviceSleep(ms);
}

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

export async function failTwiceThenSucceed(key: string): Promise<number> {
  const { attempt } = Context.current().info;
  observed.attempts.set(key, [...(observed.attempts.get(key) ?? []), attempt]);
  if (attempt < 3) throw ApplicationFailure.retryable(`attempt ${attempt} failed`, 'TransientSourceError');
  return attempt;
}

export async function rejectInput(value: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(`invalid input ${value}`, 'InvalidInput');
}

export async function sleepFor(ms: number): Promise<void> {
  await Context.current().sleep(ms);
}

export async function heartbeatOnceThenStall(detail: string): Promise<void> {
  Context.current().heartbeat(detail);
  await Context.current().sleep(5000);
}

export async function heartbeatUntilCancelled(key: string): Promise<string> {
  const ctx = Context.current();
  try {
    for (;;) {
      ctx.heartbeat();
      await ctx.sleep(50);
    }
  } catch (err) {
    observed.cancelledKeys.add(key);
    throw err;
  }
}
