/**
 * Worker processes for the drills: a child running a worker entry point
 * (test/scenarios/worker-process.ts or worker/main.ts --serve) with the
 * test's environment, its output collected, and waits on what it prints or
 * on its exit. Every child spawned here is killed by `killAllWorkerChildren`
 * (afterAll), so none outlives the test file.
 *
 *   const standby = spawnWorkerChild(['test/scenarios/worker-process.ts'], { ...env, WAIT_FOR_RUN: '1' });
 *   await standby.waitFor('worker ready', 30_000);
 *   standby.send('run');                           // WAIT_FOR_RUN standby starts polling
 *   await standby.waitFor('worker running', 10_000);
 *   const exit = await standby.kill('SIGKILL');    // { code, signal }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerChild {
  pid: number;
  /** The worker's identity as Temporal records it (the SDK's default, pid@hostname). */
  identityPrefix: string;
  exited: Promise<ChildExit>;
  /** True once the process has exited. */
  readonly done: boolean;
  output(): string;
  /** Resolves when `text` has appeared in the child's stdout/stderr; rejects on exit or after `timeoutMs`. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  kill(signal: NodeJS.Signals): Promise<ChildExit>;
}

const spawned = new Set<ChildProcess>();

/** Runs `node --import tsx <args>` from the project root: the pid is the worker's own, not a wrapper's. */
export function spawnWorkerChild(args: string[], env: Record<string, string>): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`worker child ${args.join(' ')}: could not be spawned`);
  spawned.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.stdin?.on('error', () => undefined); // a killed child's stdin may be gone
  let done = false;
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      spawned.delete(child);
      resolve({ code, signal });
      for (const listener of listeners) listener();
    }),
  );
  const pid = child.pid;
  return {
    pid,
    identityPrefix: `${pid}@`,
    exited,
    get done() {
      return done;
    },
    output: () => out,
    waitFor(text, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) finish();
          else if (done) finish(new Error(`worker child ${pid} exited before printing "${text}": ${out.slice(-2000)}`));
        };
        const timer = setTimeout(() => finish(new Error(`worker child ${pid} did not print "${text}" within ${timeoutMs} ms: ${out.slice(-2000)}`)), timeoutMs);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    send(line) {
      child.stdin?.write(`${line}\n`);
    },
    kill(signal) {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every child still running (afterAll). */
export async function killAllWorkerChildren(): Promise<void> {
  const running = [...spawned];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
