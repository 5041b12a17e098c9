/** Workflows for cron schedules and workflow retry policies, as a user would write them for Temporal. */
import * as wf from '@temporalio/workflow';

/** One cron run: reports its attempt and the previous run's result. */
export async function cronTick(): Promise<{ runId: string; previous?: unknown }> {
  const previous = wf.workflowInfo().lastResult;
  return { runId: wf.workflowInfo().runId, ...(previous !== undefined ? { previous } : {}) };
}

/** Fails until attempt `succeedOn`; then reports the attempt it succeeded on. */
export async function flakyUntil(succeedOn: number): Promise<string> {
  const { attempt } = wf.workflowInfo();
  if (attempt < succeedOn) throw wf.ApplicationFailure.create({ message: `attempt ${attempt} failed`, type: 'Flaky' });
  return `succeeded on attempt ${attempt}`;
}

export async function refusesForGood(): Promise<never> {
  throw wf.ApplicationFailure.nonRetryable('bad input, retrying cannot help', 'BadInput');
}
