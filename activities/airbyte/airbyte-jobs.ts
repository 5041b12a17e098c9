/**
 * What the project reads from an Airbyte job: its outcome for each status, its
 * totals, the message of a failure, and the cancel that cannot hit a newer job.
 *
 * - Totals: the job's aggregatedStats, which get_without_logs always fills
 *   (StatsAggregationHelper: per stream, the last attempt of a full refresh,
 *   or every attempt of a resumed or incremental one, summed). Without it, the
 *   last attempt that has totalStats. recordsSynced/bytesSynced are no longer
 *   set by the server and are not read.
 * - jobs/cancel cancels whatever job the connection runs now
 *   (TemporalClient.startNewCancellation signals the connection's workflow), not
 *   the id passed: a job is cancelled only while get_light shows it unfinished
 *   and jobs/list shows it is the connection's newest job.
 */
import { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../config/failures';
import type { AirbyteJobResult } from '../types';
import type { AirbyteClient } from './airbyte-client';
import type { JobStatus } from './config-api-requests';
import type { JobInfoRead } from './config-api-responses';

/** Statuses of a job that is still going: pending and queued before an attempt, incomplete between attempts. */
export const UNFINISHED: ReadonlySet<JobStatus> = new Set<JobStatus>(['pending', 'queued', 'running', 'incomplete']);

/** Every config type a connection's workflow runs (a reset or refresh is its current job too). */
const CONNECTION_JOB_TYPES = ['sync', 'reset_connection', 'refresh', 'clear'] as const;

export function jobTotals(info: JobInfoRead): { rowsSynced: number; bytesSynced: number } {
  const aggregated = info.job.aggregatedStats;
  if (aggregated) return { rowsSynced: aggregated.recordsCommitted, bytesSynced: aggregated.bytesCommitted || aggregated.bytesEmitted };
  const last = [...info.attempts].reverse().find((a) => a.attempt.totalStats)?.attempt.totalStats;
  return { rowsSynced: last?.recordsCommitted ?? 0, bytesSynced: last?.bytesCommitted || last?.bytesEmitted || 0 };
}

export function jobResult(info: JobInfoRead): AirbyteJobResult {
  return { jobId: info.job.id, status: info.job.status, attempts: info.attempts.length, ...jobTotals(info) };
}

const flat = (text: string, max = 300) => {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

/** The first failure reason of the last attempt that has one. */
function failureReason(info: JobInfoRead) {
  for (const { attempt } of [...info.attempts].reverse()) {
    const first = attempt.failureSummary?.failures[0];
    if (first) return first;
  }
  return undefined;
}

/** The last error line of the last attempt's logs (LogEvents or LogRead). */
function lastLogLine(info: JobInfoRead): string | undefined {
  const logs = info.attempts[info.attempts.length - 1]?.logs;
  if (!logs) return undefined;
  if ('events' in logs) {
    const errors = logs.events.filter((e) => e.level === 'error');
    return (errors[errors.length - 1] ?? logs.events[logs.events.length - 1])?.message;
  }
  return logs.logLines[logs.logLines.length - 1];
}

/**
 * A failed job as a final airbyte_failure: the failure reason of its attempts,
 * or, when none was recorded, the last line of its logs (read with jobs/get
 * only then: polling never asks for logs).
 */
export async function jobFailed(client: AirbyteClient, info: JobInfoRead, signal?: AbortSignal): Promise<ApplicationFailure> {
  const first = failureReason(info);
  let summary: string;
  if (first?.externalMessage || first?.failureType) {
    summary = `${first.failureOrigin ?? 'unknown origin'}: ${flat(first.externalMessage ?? first.failureType ?? '')}`;
  } else {
    const withLogs = await client.call('jobs/get', { id: info.job.id }, signal).catch(() => undefined);
    const line = withLogs && lastLogLine(withLogs);
    summary = line ? `no failure summary; last log line: ${flat(line)}` : 'no failure summary';
  }
  return failure('airbyte_failure', `Airbyte job ${info.job.id} failed (${info.attempts.length} attempt(s)): ${summary}`, {
    final: true,
    details: [{ jobId: info.job.id, attempts: info.attempts.length, failureOrigin: first?.failureOrigin, failureType: first?.failureType }],
  });
}

export type CancelOutcome =
  | { cancelled: true; jobId: number }
  | { cancelled: false; jobId: number; reason: string };

/** Cancels job `jobId` only while it is its connection's current job; says why when it does not. */
export async function cancelJobSafely(client: AirbyteClient, jobId: number, signal?: AbortSignal): Promise<CancelOutcome> {
  const { job } = await client.call('jobs/get_light', { id: jobId }, signal);
  if (!UNFINISHED.has(job.status)) return { cancelled: false, jobId, reason: `job ${jobId} already ${job.status}` };
  const { jobs } = await client.call(
    'jobs/list',
    { configTypes: [...CONNECTION_JOB_TYPES], configId: job.configId, pagination: { pageSize: 1, rowOffset: 0 } },
    signal,
  );
  const newest = jobs[0]?.job;
  if (newest && newest.id !== jobId) {
    return { cancelled: false, jobId, reason: `job ${newest.id} (${newest.status}) is connection ${job.configId}'s current job, not ${jobId}` };
  }
  await client.call('jobs/cancel', { id: jobId }, signal);
  return { cancelled: true, jobId };
}
