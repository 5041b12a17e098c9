/**
 * Waits for an Airbyte job: polls jobs/get_without_logs (no logs travel while
 * polling), heartbeats each status, ends on a terminal one:
 *
 *   pending, queued, running, incomplete → wait on (incomplete: an attempt
 *     failed and Airbyte runs another within the same job)
 *   succeeded → the job's totals; failed → final failure with its reason;
 *   cancelled → final failure (someone else cancelled it).
 *
 * An outage of the API (unreachable, 502/503/504, 429) is waited out until the
 * deadline, up to 3 server errors (500) in a row too; an expired token is
 * refreshed by the client. On timeout the job is
 * cancelled (only if it is still its connection's current job) and the wait
 * fails for good; when the activity is cancelled the same cancel runs and the
 * cancellation is rethrown. The start time travels in the heartbeat details,
 * so a retried attempt keeps the original deadline.
 */
import { asyncLocalStorage, type Context } from '@temporalio/activity';
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteJobResult, AirbyteJobStatus } from '../types';
import { httpStatusOf, isOutage, type AirbyteClient } from './airbyte-client';
import { cancelJobSafely, jobFailed, jobResult, type CancelOutcome } from './airbyte-jobs';

/** What each heartbeat carries. */
export interface JobWaitProgress {
  jobId: number;
  status: AirbyteJobStatus;
  attempts: number;
  startedAtMs: number;
  polls: number;
  /** Polls that met an API outage since the last answer. */
  outagePolls?: number;
}

export interface JobWaitInput {
  jobId: number;
  pollIntervalMs: number;
  timeoutMs: number;
}

function validate(input: JobWaitInput): void {
  const bad = (field: string, value: unknown, rule: string) =>
    invalidInput(`waitForAirbyteJob: ${field} ${JSON.stringify(value)} ${rule}`);
  if (!Number.isSafeInteger(input?.jobId) || input.jobId < 0) throw bad('jobId', input?.jobId, 'must be a non-negative integer');
  if (!Number.isFinite(input.pollIntervalMs) || input.pollIntervalMs <= 0) throw bad('pollIntervalMs', input.pollIntervalMs, 'must be a positive number');
  if (!Number.isFinite(input.timeoutMs) || input.timeoutMs <= 0) throw bad('timeoutMs', input.timeoutMs, 'must be a positive number');
}

function resumedStart(ctx: Context | undefined, jobId: number): number | undefined {
  const details = ctx?.info.heartbeatDetails as Partial<JobWaitProgress> | undefined;
  return details?.jobId === jobId && typeof details.startedAtMs === 'number' ? details.startedAtMs : undefined;
}

const pause = (ms: number, ctx: Context | undefined) =>
  ctx ? ctx.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A 500 may be a passing server error or a permanent one (an unknown job id answers 500):
 * this many in a row are waited out, the next one ends the wait.
 */
export const SERVER_ERRORS_WAITED_OUT = 3;

function describeCancel(outcome: CancelOutcome): string {
  return outcome.cancelled ? 'the job was cancelled' : `the job was not cancelled: ${outcome.reason}`;
}

export async function waitForJob(client: AirbyteClient, input: JobWaitInput): Promise<AirbyteJobResult> {
  validate(input);
  const ctx = asyncLocalStorage.getStore();
  const signal = ctx?.cancellationSignal;
  const { jobId, pollIntervalMs, timeoutMs } = input;
  const startedAtMs = resumedStart(ctx, jobId) ?? Date.now();
  const deadline = startedAtMs + timeoutMs;
  const progress: JobWaitProgress = { jobId, status: 'pending', attempts: 0, startedAtMs, polls: 0 };
  let lastOutage = '';
  let serverErrors = 0;
  try {
    for (;;) {
      progress.polls += 1;
      try {
        const info = await client.call('jobs/get_without_logs', { id: jobId }, signal);
        progress.status = info.job.status;
        progress.attempts = info.attempts.length;
        delete progress.outagePolls;
        serverErrors = 0;
        ctx?.heartbeat({ ...progress });
        if (progress.status === 'succeeded') return jobResult(info);
        if (progress.status === 'failed') throw await jobFailed(client, info, signal);
        if (progress.status === 'cancelled') {
          throw failure('airbyte_failure', `Airbyte job ${jobId} was cancelled outside this wait (${info.attempts.length} attempt(s))`, { final: true });
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        const serverError = httpStatusOf(error) === 500 && ++serverErrors <= SERVER_ERRORS_WAITED_OUT;
        if (!serverError && !isOutage(error)) throw error;
        // The API is down or overloaded: the job goes on without us; poll again until the deadline.
        progress.outagePolls = (progress.outagePolls ?? 0) + 1;
        lastOutage = (error as Error).message;
        ctx?.log.warn('Airbyte API outage while waiting for a job; polling on', { jobId, outagePolls: progress.outagePolls, error: lastOutage });
        ctx?.heartbeat({ ...progress });
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      // Sleep in slices no longer than half the heartbeat timeout, heartbeating between them,
      // so a poll interval longer than the heartbeat timeout does not time the activity out.
      let wait = Math.min(pollIntervalMs, remaining);
      const slice = ctx?.info.heartbeatTimeoutMs ? Math.max(1, Math.floor(ctx.info.heartbeatTimeoutMs / 2)) : wait;
      while (wait > 0) {
        const step = Math.min(slice, wait);
        await pause(step, ctx);
        wait -= step;
        if (wait > 0) ctx?.heartbeat({ ...progress });
      }
    }
  } catch (error) {
    if (signal?.aborted) {
      // The activity is cancelled: cancel the job too, unless a newer one has replaced it.
      const outcome = await cancelJobSafely(client, jobId).catch((e: Error) => ({ cancelled: false as const, jobId, reason: e.message }));
      ctx?.log.info(`wait for Airbyte job ${jobId} cancelled; ${describeCancel(outcome)}`);
    }
    throw error;
  }
  let cancelNote: string;
  try {
    cancelNote = describeCancel(await cancelJobSafely(client, jobId));
  } catch (error) {
    cancelNote = `cancelling the job failed: ${(error as Error).message}`;
  }
  const outage = progress.outagePolls ? `; the API was unreachable for the last ${progress.outagePolls} poll(s): ${lastOutage}` : '';
  throw failure(
    'airbyte_failure',
    `Airbyte job ${jobId} did not finish within ${timeoutMs} ms (last status ${progress.status} after ${progress.polls} poll(s))${outage}; ${cancelNote}`,
    { final: true, details: [{ jobId, lastStatus: progress.status, timedOut: true }] },
  );
}
