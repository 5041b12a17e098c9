/** Test-only workflows that exercise the local Temporal service through the real SDK. */
import * as wf from '@temporalio/workflow';
import type * as activities from '../conformance-activities';

const { greet } = wf.proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function greetingWorkflow(name: string): Promise<string> {
  return await greet(name);
}

const retrying = wf.proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 5, nonRetryableErrorTypes: ['ListedAsNonRetryable'] },
});

/** The activity fails on its first two attempts. */
export async function flakyWorkflow(key: string): Promise<number> {
  return await retrying.failTwiceThenSucceed(key);
}

/** The activity throws a non-retryable ApplicationFailure; the workflow lets it fail the run. */
export async function nonRetryableWorkflow(): Promise<void> {
  await retrying.rejectInput('bad-cnpj');
}

export interface TimeoutOutcome {
  failure: string;
  cause: string;
  timeoutType?: string | null;
  retryState?: string | null;
  lastHeartbeatDetails?: unknown;
}

function describeTimeout(err: unknown): TimeoutOutcome {
  if (!(err instanceof wf.ActivityFailure)) throw err;
  const cause = err.cause;
  return {
    failure: err.name,
    cause: cause?.name ?? 'none',
    timeoutType: cause instanceof wf.TimeoutFailure ? cause.timeoutType : undefined,
    retryState: err.retryState,
    lastHeartbeatDetails: cause instanceof wf.TimeoutFailure ? cause.lastHeartbeatDetails : undefined,
  };
}

/** The activity outlives its start-to-close timeout on both allowed attempts. */
export async function startToCloseTimeoutWorkflow(sleepMs: number): Promise<TimeoutOutcome> {
  const { sleepFor } = wf.proxyActivities<typeof activities>({
    startToCloseTimeout: '300ms',
    retry: { initialInterval: '1s', maximumAttempts: 2 },
  });
  try {
    await sleepFor(sleepMs);
    throw wf.ApplicationFailure.nonRetryable('activity was expected to time out');
  } catch (err) {
    return describeTimeout(err);
  }
}

/** The activity heartbeats once, then stops heartbeating. */
export async function heartbeatTimeoutWorkflow(): Promise<TimeoutOutcome> {
  const { heartbeatOnceThenStall } = wf.proxyActivities<typeof activities>({
    startToCloseTimeout: '20s',
    heartbeatTimeout: '400ms',
    retry: { maximumAttempts: 1 },
  });
  try {
    await heartbeatOnceThenStall('progress-1');
    throw wf.ApplicationFailure.nonRetryable('activity was expected to time out');
  } catch (err) {
    return describeTimeout(err);
  }
}

/** Starts a heartbeating activity, cancels it, and waits for the activity to acknowledge. */
export async function cancelActivityWorkflow(key: string): Promise<string> {
  const { heartbeatUntilCancelled } = wf.proxyActivities<typeof activities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '1s',
    cancellationType: wf.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const scope = new wf.CancellationScope();
  const running = scope.run(() => heartbeatUntilCancelled(key));
  await wf.sleep(300);
  scope.cancel();
  try {
    await running;
    return 'completed';
  } catch (err) {
    return wf.isCancellation(err) ? 'cancelled' : `failed: ${(err as Error).message}`;
  }
}

/** Sleeps 20 minutes of workflow time; returns how much workflow time passed. */
export async function longSleepWorkflow(): Promise<number> {
  const started = Date.now();
  await wf.sleep('20 minutes');
  return Date.now() - started;
}

export const approveSignal = wf.defineSignal<[string]>('approve');
export const statusQuery = wf.defineQuery<string>('status');

/** Waits on `condition` until an approval signal arrives; its status is queryable meanwhile. */
export async function approvalWorkflow(): Promise<string> {
  let approver: string | undefined;
  let status = 'waiting for approval';
  wf.setHandler(approveSignal, (who) => {
    approver = who;
  });
  wf.setHandler(statusQuery, () => status);
  await wf.condition(() => approver !== undefined);
  status = `approved by ${approver}`;
  return status;
}

/** `condition` that never becomes true, bounded by a 2-hour timeout. */
export async function conditionTimeoutWorkflow(): Promise<{ satisfied: boolean; waitedMs: number }> {
  const started = Date.now();
  const satisfied = await wf.condition(() => false, '2 hours');
  return { satisfied, waitedMs: Date.now() - started };
}

/** Waits up to 2 hours for an approval signal; its status is queryable meanwhile. */
export async function approvalWithDeadlineWorkflow(): Promise<{ approver?: string; satisfied: boolean; waitedMs: number }> {
  let approver: string | undefined;
  const started = Date.now();
  wf.setHandler(approveSignal, (who) => {
    approver = who;
  });
  wf.setHandler(statusQuery, () => (approver ? `approved by ${approver}` : 'waiting for approval'));
  const satisfied = await wf.condition(() => approver !== undefined, '2 hours');
  return { approver, satisfied, waitedMs: Date.now() - started };
}

/** A 1-day timer beside an activity that sleeps 2 days on the service clock. */
export async function timerBesideSleepingActivityWorkflow(): Promise<{ timerFiredBeforeActivityReturned: boolean }> {
  const { sleepOnServiceClock } = wf.proxyActivities<typeof activities>({ startToCloseTimeout: '3 days' });
  let timerFired = false;
  const timer = wf.sleep('1 day').then(() => {
    timerFired = true;
  });
  await sleepOnServiceClock(2 * 86_400_000);
  const timerFiredBeforeActivityReturned = timerFired;
  await timer;
  return { timerFiredBeforeActivityReturned };
}

export async function childWorkflow(name: string, fail: boolean): Promise<string> {
  if (fail) throw wf.ApplicationFailure.nonRetryable(`child refused ${name}`, 'ChildRefused');
  return `child greets ${name}`;
}

/** Runs a child; returns its result, or the failure type it reported. */
export async function parentWorkflow(fail: boolean): Promise<string> {
  try {
    return await wf.executeChild(childWorkflow, { args: ['parent', fail] });
  } catch (err) {
    if (err instanceof wf.ChildWorkflowFailure && err.cause instanceof wf.ApplicationFailure) {
      return `child failed: ${err.cause.type}: ${err.cause.message}`;
    }
    throw err;
  }
}

export async function failingWorkflow(): Promise<never> {
  throw wf.ApplicationFailure.create({ message: 'ingestion gave up', type: 'IngestionGaveUp', nonRetryable: true });
}

/** Waits until cancelled or terminated. */
export async function waitForeverWorkflow(): Promise<void> {
  await wf.condition(() => false);
}

export async function continueAsNewWorkflow(round: number): Promise<string> {
  if (round < 3) await wf.continueAsNew<typeof continueAsNewWorkflow>(round + 1);
  return `finished at round ${round} of run chain ${wf.workflowInfo().firstExecutionRunId !== wf.workflowInfo().runId}`;
}
