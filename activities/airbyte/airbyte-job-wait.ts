/**
 * Waits for an Airbyte job: polls jobs/get, heartbeats each status, ends on a
 * terminal status. On timeout it cancels the job and fails for good; when the
 * activity is cancelled it cancels the job and rethrows the cancellation. The
 * start time travels in the heartbeat details, so a retried attempt keeps the
 * original deadline instead of starting a new one.
 */
import { asyncLocalStorage, type Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteJobResult, AirbyteJobStatus } from '../types';
import type { AirbyteClient } from './airbyte-client';

interface AttemptInfo {
  attempt: {
    status: string;
    recordsSynced?: number;
    bytesSynced?: number;
    totalStats?: { recordsCommitted?: number; recordsEmitted?: number; bytesEmitted?: number };
    failureSummary?: { failures?: { failureOrigin?: string; failureType?: string; externalMessage?: string }[] };
  };
}
export interface JobInfo {
  job: { id: number; status: AirbyteJobStatus };
  attempts: AttemptInfo[];
}

/** What each heartbeat carries. */
export interface JobWaitProgress {
  jobId: number;
  status: AirbyteJobStatus;
  startedAtMs: number;
  polls: number;
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

function lastAttempt(info: JobInfo): AttemptInfo['attempt'] | undefined {
  return info.attempts[info.attempts.length - 1]?.attempt;
}

export function jobResult(info: JobInfo): AirbyteJobResult {
  const attempt = lastAttempt(info);
  return {
    jobId: info.job.id,
    status: info.job.status,
    rowsSynced: attempt?.recordsSynced ?? attempt?.totalStats?.recordsCommitted ?? 0,
    bytesSynced: attempt?.bytesSynced ?? attempt?.totalStats?.bytesEmitted ?? 0,
  };
}

function jobFailed(info: JobInfo): ApplicationFailure {
  const first = lastAttempt(info)?.failureSummary?.failures?.[0];
  const summary = first
    ? `${first.failureOrigin ?? 'unknown origin'}: ${(first.externalMessage ?? first.failureType ?? 'no failure message').replace(/[\r\n]+/g, ' ')}`
    : 'no failure summary';
  return failure('airbyte_failure', `Airbyte job ${info.job.id} failed (${info.attempts.length} attempt(s)): ${summary}`, {
    final: true,
    details: [{ jobId: info.job.id, failureOrigin: first?.failureOrigin, failureType: first?.failureType }],
  });
}

const pause = (ms: number, ctx: Context | undefined) =>
  ctx ? ctx.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitForJob(
  client: AirbyteClient,
  cancelJob: (jobId: number) => Promise<void>,
  input: JobWaitInput,
): Promise<AirbyteJobResult> {
  validate(input);
  const ctx = asyncLocalStorage.getStore();
  const signal = ctx?.cancellationSignal;
  const { jobId, pollIntervalMs, timeoutMs } = input;
  const startedAtMs = resumedStart(ctx, jobId) ?? Date.now();
  const deadline = startedAtMs + timeoutMs;
  let polls = 0;
  let status: AirbyteJobStatus = 'pending';
  try {
    for (;;) {
      const info = await client.post<JobInfo>('jobs/get', { id: jobId }, signal);
      status = info.job.status;
      polls += 1;
      ctx?.heartbeat({ jobId, status, startedAtMs, polls } satisfies JobWaitProgress);
      if (status === 'succeeded') return jobResult(info);
      if (status === 'failed') throw jobFailed(info);
      if (status === 'cancelled') {
        throw failure('airbyte_failure', `Airbyte job ${jobId} was cancelled outside this wait`, { final: true });
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
        if (wait > 0) ctx?.heartbeat({ jobId, status, startedAtMs, polls } satisfies JobWaitProgress);
      }
    }
  } catch (error) {
    if (signal?.aborted) {
      await cancelJob(jobId).catch(() => undefined);
    }
    throw error;
  }
  let cancelNote = 'the job was cancelled';
  try {
    await cancelJob(jobId);
  } catch (error) {
    cancelNote = `cancelling the job failed: ${(error as Error).message}`;
  }
  throw failure('airbyte_failure', `Airbyte job ${jobId} did not finish within ${timeoutMs} ms (last status ${status} after ${polls} poll(s)); ${cancelNote}`, {
    final: true,
    details: [{ jobId, lastStatus: status, timedOut: true }],
  });
}
