/**
 * Sync jobs of the simulator, as Airbyte's connection workflow runs them: a job
 * starts pending (queued while it waits for capacity), then runs attempts; an
 * attempt that fails leaves the job incomplete and the next attempt starts, up
 * to SYNC_JOB_MAX_ATTEMPTS (3), after which the job fails. Each attempt runs
 * the injected sync function (`runSync`); its report becomes the attempt's
 * totalStats. jobs/cancel cancels the connection's current job, whichever id
 * it was given (TemporalClient.startNewCancellation).
 *
 * Faults replace the next job's behaviour: every attempt fails; the first
 * attempt fails and the second runs; the job hangs (running) or stays queued
 * until released or cancelled.
 */
import type { AttemptRead, AttemptStats, FailureReason, JobAggregatedStats, JobInfoRead, JobRead, JobStatus } from './config-api';
import type { ConnectionIdentity } from './connections';
import { uncaught } from './errors';

export interface SyncStats {
  recordsSynced: number;
  bytesSynced: number;
}
export type RunSync = (connection: ConnectionIdentity, signal: AbortSignal) => Promise<SyncStats>;

export type JobFault =
  | { kind: 'fail'; message: string; withoutSummary?: boolean }
  | { kind: 'failFirstAttempt'; message: string }
  | { kind: 'hang' }
  | { kind: 'queue' };

export const SYNC_JOB_MAX_ATTEMPTS = 3;
/** What a first attempt failed by failFirstAttempt had read from the source before the destination failed. */
export const FAILED_ATTEMPT_EMITTED = { recordsEmitted: 120, bytesEmitted: 4096, recordsCommitted: 0 } as const;

interface Attempt {
  read: AttemptRead;
  logLines: string[];
}

interface Job {
  read: JobRead;
  attempts: Attempt[];
  connection: ConnectionIdentity;
  abort: AbortController;
  release?: () => void;
  settled: Promise<void>;
}

const TERMINAL = new Set<JobStatus>(['succeeded', 'failed', 'cancelled']);
const epochSeconds = () => Math.floor(Date.now() / 1000);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

function untilReleasedOrAborted(job: Job): Promise<void> {
  return new Promise((resolve, reject) => {
    const signal = job.abort.signal;
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    job.release = () => {
      job.release = undefined;
      resolve();
    };
  });
}

export class JobBoard {
  private readonly jobs = new Map<number, Job>();
  private readonly faults: JobFault[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly runSync: RunSync,
    /** structured: LogEvents (Airbyte 1.x); formatted: LogRead lines (older servers). */
    private readonly logFormat: 'structured' | 'formatted' = 'structured',
  ) {}

  /** The next job started takes this fault. Faults queue up in order. */
  injectFault(fault: JobFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The connection's unfinished job, if any (a connection runs one job at a time). */
  runningJobOf(connectionId: string): number | undefined {
    for (const job of this.jobs.values()) if (job.read.configId === connectionId && !TERMINAL.has(job.read.status)) return job.read.id;
    return undefined;
  }

  start(connectionId: string, connection: ConnectionIdentity): JobInfoRead {
    const now = epochSeconds();
    const id = this.nextId++;
    const job: Job = {
      read: { id, configType: 'sync', configId: connectionId, createdAt: now, updatedAt: now, status: 'pending' },
      attempts: [],
      connection,
      abort: new AbortController(),
      settled: Promise.resolve(),
    };
    this.jobs.set(id, job);
    const fault = this.faults.shift();
    job.settled = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(job, fault));
    return this.info(id, 'logs');
  }

  /** A hanging or queued job goes on (a hanging one then runs its sync). False when it was not held. */
  release(id: number): boolean {
    const release = this.job(id).release;
    release?.();
    return release !== undefined;
  }

  /** jobs/cancel: cancels the current job of job `id`'s connection (maybe another job), then answers job `id` as it is now. */
  cancel(id: number): JobInfoRead {
    const current = this.runningJobOf(this.job(id).read.configId);
    if (current !== undefined) this.cancelJob(this.job(current));
    return this.info(id, 'logs');
  }

  /**
   * A job as the API answers it. logs: jobs/get (attempts with structured logs, no aggregated stats);
   * without_logs: jobs/get_without_logs (aggregatedStats hydrated, no logs).
   */
  info(id: number, view: 'logs' | 'without_logs' = 'logs'): JobInfoRead {
    const job = this.job(id);
    const read: JobRead = view === 'without_logs' ? { ...job.read, aggregatedStats: this.aggregated(job) } : { ...job.read };
    return {
      job: read,
      attempts: job.attempts.map((a) =>
        view === 'without_logs'
          ? { attempt: structuredClone(a.read) }
          : this.logFormat === 'formatted'
            ? { attempt: structuredClone(a.read), logType: 'formatted' as const, logs: { logLines: [...a.logLines] } }
            : {
                attempt: structuredClone(a.read),
                logType: 'structured' as const,
                logs: { events: a.logLines.map((line) => ({ timestamp: Date.now(), message: line, level: line.startsWith('replication failed') ? 'error' : 'info', logSource: 'platform' })), version: '1' },
              },
      ),
    };
  }

  /** jobs/get_light: the job alone. */
  light(id: number): { job: JobRead } {
    return { job: { ...this.job(id).read } };
  }

  /** jobs/list rows (newest first): job with aggregated stats, attempts without logs. */
  list(connectionId: string | undefined, statuses: JobStatus[] = []): { job: JobRead; attempts: AttemptRead[] }[] {
    return [...this.jobs.values()]
      .filter((j) => (connectionId === undefined || j.read.configId === connectionId) && (statuses.length === 0 || statuses.includes(j.read.status)))
      .sort((a, b) => b.read.id - a.read.id)
      .map((j) => ({ job: { ...j.read, aggregatedStats: this.aggregated(j) }, attempts: j.attempts.map((a) => structuredClone(a.read)) }));
  }

  status(id: number): JobStatus {
    return this.job(id).read.status;
  }

  /** Calls back on every status change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every run started so far has settled (for a clean shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.settled));
  }

  /** Cancels every job still running; used on shutdown. */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (!TERMINAL.has(job.read.status)) this.cancelJob(job);
  }

  /**
   * StatsAggregationHelper for full-refresh streams: the stats of the last attempt that has any (a later
   * attempt restarts the stream, it does not resume it), zeros before any attempt reported.
   */
  private aggregated(job: Job): JobAggregatedStats {
    const stats: AttemptStats | undefined = [...job.attempts].reverse().find((a) => a.read.totalStats)?.read.totalStats;
    return {
      recordsEmitted: stats?.recordsEmitted ?? 0,
      bytesEmitted: stats?.bytesEmitted ?? 0,
      recordsCommitted: stats?.recordsCommitted ?? 0,
      bytesCommitted: stats?.bytesCommitted ?? 0,
      recordsRejected: stats?.recordsRejected ?? 0,
    };
  }

  private async run(job: Job, fault: JobFault | undefined): Promise<void> {
    try {
      if (fault?.kind === 'queue') {
        this.setStatus(job, 'queued');
        await untilReleasedOrAborted(job);
      }
      for (let n = 0; n < SYNC_JOB_MAX_ATTEMPTS && !TERMINAL.has(job.read.status); n++) {
        const attempt = this.newAttempt(job, n);
        try {
          if (fault?.kind === 'fail' || (fault?.kind === 'failFirstAttempt' && n === 0)) {
            if (fault.kind === 'failFirstAttempt') attempt.read.totalStats = { ...FAILED_ATTEMPT_EMITTED, bytesCommitted: 0, recordsRejected: 0 };
            throw new Error(fault.message);
          }
          if (fault?.kind === 'hang' && n === 0) await untilReleasedOrAborted(job);
          const stats = await this.runSync(job.connection, job.abort.signal);
          if (TERMINAL.has(job.read.status)) return;
          attempt.read.totalStats = {
            recordsEmitted: stats.recordsSynced,
            bytesEmitted: stats.bytesSynced,
            recordsCommitted: stats.recordsSynced,
            bytesCommitted: stats.bytesSynced,
            recordsRejected: 0,
          };
          attempt.logLines.push(`replication finished: ${stats.recordsSynced} records, ${stats.bytesSynced} bytes`);
          this.endAttempt(attempt, 'succeeded');
          this.setStatus(job, 'succeeded');
        } catch (error) {
          if (TERMINAL.has(job.read.status)) return;
          attempt.logLines.push(`replication failed: ${message(error)}`);
          const summary = !(fault?.kind === 'fail' && fault.withoutSummary);
          this.endAttempt(attempt, 'failed', summary ? { failureOrigin: 'source', failureType: 'system_error', externalMessage: message(error), retryable: true, timestamp: Date.now() } : undefined);
          this.setStatus(job, n + 1 < SYNC_JOB_MAX_ATTEMPTS ? 'incomplete' : 'failed');
        }
      }
    } catch {
      // aborted while queued or held: cancelJob has already ended the job
    }
  }

  private newAttempt(job: Job, n: number): Attempt {
    const now = epochSeconds();
    const attempt: Attempt = {
      read: { id: n, status: 'running', createdAt: now, updatedAt: now },
      logLines: [`attempt ${n + 1} of the sync of ${job.connection.name} (${job.connection.system}/${job.connection.role})`, 'replication started'],
    };
    job.attempts.push(attempt);
    job.read.startedAt ??= now;
    this.setStatus(job, 'running');
    return attempt;
  }

  private endAttempt(attempt: Attempt, status: 'succeeded' | 'failed', reason?: FailureReason): void {
    const now = epochSeconds();
    attempt.read.status = status;
    attempt.read.updatedAt = now;
    attempt.read.endedAt = now;
    if (reason) attempt.read.failureSummary = { failures: [reason], partialSuccess: false };
  }

  private cancelJob(job: Job): void {
    if (TERMINAL.has(job.read.status)) return;
    const running = job.attempts.find((a) => a.read.status === 'running');
    if (running) {
      running.logLines.push('replication cancelled');
      this.endAttempt(running, 'failed', { failureOrigin: 'airbyte_platform', failureType: 'manual_cancellation', externalMessage: 'The sync was cancelled.', retryable: false, timestamp: Date.now() });
    }
    this.setStatus(job, 'cancelled');
    job.abort.abort(new Error(`job ${job.read.id} cancelled`));
  }

  private setStatus(job: Job, status: JobStatus): void {
    job.read.status = status;
    job.read.updatedAt = epochSeconds();
    for (const listener of this.listeners) listener();
  }

  private job(id: number): Job {
    const job = this.jobs.get(id);
    // JobPersistence.getJob throws RuntimeException("Could not find job with id"): the server answers 500.
    if (!job) throw uncaught(`Could not find job with id: ${id}`);
    return job;
  }
}
