/** A sync function for the simulator whose runs the test finishes by hand, so job states can be observed in order. */
import type { ConnectionIdentity, RunSync, SyncStats } from '../../local/airbyte/simulator';

export interface ScriptedRun {
  connection: ConnectionIdentity;
  signal: AbortSignal;
  finish(stats: SyncStats): void;
  fail(error: Error): void;
}

export class ScriptedSync {
  readonly runs: ScriptedRun[] = [];
  /** When set, runs finish at once with these stats instead of waiting for the test. */
  autoFinish: SyncStats | undefined;
  private waiters: ((run: ScriptedRun) => void)[] = [];

  readonly runSync: RunSync = (connection, signal) => {
    if (this.autoFinish) {
      this.runs.push({ connection, signal, finish: () => undefined, fail: () => undefined });
      return Promise.resolve(this.autoFinish);
    }
    return new Promise<SyncStats>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      const run: ScriptedRun = { connection, signal, finish: resolve, fail: reject };
      this.runs.push(run);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(run);
    });
  };

  /** Resolves with the n-th run (0-based) once it has started. */
  started(index: number): Promise<ScriptedRun> {
    if (this.runs[index]) return Promise.resolve(this.runs[index]);
    return new Promise((resolve) => {
      const wait = () => (this.runs[index] ? resolve(this.runs[index]) : this.waiters.push(wait));
      this.waiters.push(wait);
    });
  }
}
