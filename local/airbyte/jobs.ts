/**
 * Sync jobs of the simulator. Each job runs the injected sync function for its
 * connection; the job's status follows that run: pending → running →
 * succeeded | failed, or cancelled when jobs/cancel aborts the run's signal.
 * Injected faults replace the next run with a failure or a hang.
 */
import type { AttemptRead, JobInfoRead, JobRead, JobWithAttemptsRead } from './config-api';
import type { ConnectionIdentity } from './connections';
import { idNotFound } from './errors';

export interface SyncStats {
  recordsSynced: number;
  bytesSynced: number;
}
export type RunSync = (connection: ConnectionIdentity, signal: AbortSignal) => Promise<SyncStats>;

export type JobFault = { kind: 'fail'; message: string } | { kind: 'hang' };

interface Job {
  read: JobRead;
  attempt: AttemptRead;
  logLines: string[];
  abort: AbortController;
  settled: Promise<void>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Resolves when the signal aborts; the body of a hanging job. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export class JobBoard {
  private readonly jobs = new Map<number, Job>();
  private readonly faults: JobFault[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly runSync: RunSync) {}

  /** The next job started fails with this message, or hangs until cancelled. Faults queue up in order. */
  injectFault(fault: JobFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  runningJobOf(connectionId: string): number | undefined {
    for (const job of this.jobs.values()) {
      if (job.read.configId === connectionId && !TERMINAL.has(job.read.status)) return job.read.id;
    }
    return undefined;
  }

  start(connectionId: string, connection: ConnectionIdentity): JobInfoRead {
    const now = epochSeconds();
    const id = this.nextId++;
    const job: Job = {
      read: { id, configType: 'sync', configId: connectionId, createdAt: now, updatedAt: now, status: 'pending' },
      attempt: {
        id: 0,
        status: 'running',
        createdAt: now,
        updatedAt: now,
        bytesSynced: 0,
        recordsSynced: 0,
        totalStats: { recordsEmitted: 0, bytesEmitted: 0, recordsCommitted: 0 },
      },
      logLines: [`sync of ${connection.name} (${connection.system}/${connection.role}) queued`],
      abort: new AbortController(),
      settled: Promise.resolve(),
    };
    this.jobs.set(id, job);
    const fault = this.faults.shift();
    job.settled = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run(job, connection, fault));
    return this.info(id);
  }

  cancel(id: number): JobInfoRead {
    const job = this.job(id);
    if (!TERMINAL.has(job.read.status)) {
      this.finish(job, 'cancelled', {
        failureOrigin: 'replication',
        failureType: 'manual_cancellation',
        externalMessage: 'The sync was cancelled.',
        retryable: false,
        timestamp: Date.now(),
      });
      job.abort.abort(new Error(`job ${id} cancelled`));
    }
    return this.info(id);
  }

  info(id: number): JobInfoRead {
    const job = this.job(id);
    return {
      job: { ...job.read },
      attempts: [{ attempt: structuredClone(job.attempt), logs: { logLines: [...job.logLines] } }],
    };
  }

  list(connectionId: string): JobWithAttemptsRead[] {
    return [...this.jobs.values()]
      .filter((j) => j.read.configId === connectionId)
      .sort((a, b) => b.read.id - a.read.id)
      .map((j) => ({ job: { ...j.read }, attempts: [structuredClone(j.attempt)] }));
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
    for (const job of this.jobs.values()) if (!TERMINAL.has(job.read.status)) this.cancel(job.read.id);
  }

  private async run(job: Job, connection: ConnectionIdentity, fault: JobFault | undefined): Promise<void> {
    if (TERMINAL.has(job.read.status)) return;
    this.setStatus(job, 'running');
    job.logLines.push('replication started');
    try {
      let stats: SyncStats;
      if (fault?.kind === 'fail') throw new Error(fault.message);
      if (fault?.kind === 'hang') stats = await untilAborted(job.abort.signal);
      else stats = await this.runSync(connection, job.abort.signal);
      if (TERMINAL.has(job.read.status)) return;
      job.attempt.recordsSynced = stats.recordsSynced;
      job.attempt.bytesSynced = stats.bytesSynced;
      job.attempt.totalStats = {
        recordsEmitted: stats.recordsSynced,
        bytesEmitted: stats.bytesSynced,
        recordsCommitted: stats.recordsSynced,
      };
      job.logLines.push(`replication finished: ${stats.recordsSynced} records, ${stats.bytesSynced} bytes`);
      this.finish(job, 'succeeded');
    } catch (error) {
      if (TERMINAL.has(job.read.status)) return;
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      job.logLines.push(`replication failed: ${message}`);
      this.finish(job, 'failed', {
        failureOrigin: 'source',
        failureType: 'system_error',
        externalMessage: message,
        retryable: true,
        timestamp: Date.now(),
      });
    }
  }

  private finish(job: Job, status: 'succeeded' | 'failed' | 'cancelled', failure?: NonNullable<AttemptRead['failureSummary']>['failures'][number]): void {
    const now = epochSeconds();
    job.attempt.status = status === 'succeeded' ? 'succeeded' : 'failed';
    job.attempt.updatedAt = now;
    job.attempt.endedAt = now;
    if (failure) job.attempt.failureSummary = { failures: [failure], partialSuccess: false };
    this.setStatus(job, status);
  }

  private setStatus(job: Job, status: JobRead['status']): void {
    job.read.status = status;
    job.read.updatedAt = epochSeconds();
    for (const listener of this.listeners) listener();
  }

  private job(id: number): Job {
    const job = this.jobs.get(id);
    if (!job) throw idNotFound('job', id);
    return job;
  }
}
