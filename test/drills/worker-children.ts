/**
 * Worker processes for the drills: a child running a worker entry point
 * (test/scenarios/worker-process.ts or worker/main.ts --serve) with the
 * test's environment, its output collected, and waits on what it prints or
 * on its exit. Each child is its own process group (test/helpers/child-process.ts);
 * `killAllWorkerChildren` (afterAll) stops every group still running, so none
 * outlives the test file.
 *
 *   const standby = spawnWorkerChild(['test/scenarios/worker-process.ts'], { ...env, WAIT_FOR_RUN: '1' });
 *   await standby.waitFor('worker ready', 30_000);
 *   standby.send('run');                           // WAIT_FOR_RUN standby starts polling
 *   await standby.waitFor('worker running', 10_000);
 *   const exit = await standby.kill('SIGKILL');    // { code, signal }
 */
import { ROOT, spawnTsx, stopAllGroups, type ChildExit, type GroupChild } from '../../engines/process-group';

export { ROOT, type ChildExit };

export interface WorkerChild extends Omit<GroupChild, 'waitFor'> {
  /** The worker's identity as Temporal records it (the SDK's default, pid@hostname). */
  identityPrefix: string;
  /** Resolves when `text` has appeared in the child's stdout/stderr; rejects on exit or after `timeoutMs`. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /**
   * SIGTERM to the worker process alone, as Kubernetes and `docker stop` send it to a
   * container's PID 1 (the group's signal would also kill the worker's own helper
   * processes mid-drain); resolves on its exit.
   */
  terminate(): Promise<ChildExit>;
}

/** Runs `node --import tsx <args>` from the project root: the pid is the worker's own, not a wrapper's. */
export function spawnWorkerChild(args: string[], env: Record<string, string>): WorkerChild {
  const child = spawnTsx(args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    pid: child.pid,
    process: child.process,
    identityPrefix: `${child.pid}@`,
    exited: child.exited,
    get done() {
      return child.done;
    },
    output: () => child.output(),
    waitFor: async (text, timeoutMs) => {
      await child.waitFor(text, timeoutMs);
    },
    send: (line) => child.send(line),
    kill: (signal) => child.kill(signal),
    terminate: () => {
      if (!child.done) process.kill(child.pid, 'SIGTERM');
      return child.exited;
    },
  };
}

/** Stops every child still running (afterAll): SIGTERM to its group, SIGKILL after a short grace. */
export async function killAllWorkerChildren(): Promise<void> {
  await stopAllGroups(5_000);
}
