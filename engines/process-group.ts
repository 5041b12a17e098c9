/**
 * Child processes (the engines, and in tests workers and jobs), each in its own process group, stopped as a group:
 * a `tsx` wrapper, the node process it runs and anything that one starts
 * (mariadbd of an embedded stack) all get the signal, so nothing outlives the
 * test file.
 *
 *   const worker = spawnTsx(['test/scenarios/worker-process.ts'], { env });
 *   const [, pid] = await worker.waitFor(/worker running pid (\d+)/, 30_000);
 *   const exit = await worker.kill('SIGKILL');        // the group; resolves on exit
 *   afterAll(() => stopAllGroups());                   // SIGTERM, SIGKILL after a grace period
 *
 * spawnGroup(command, args, options) spawns `detached: true` (the child's pid is
 * its process group id) with stdout/stderr piped and collected. stopGroup(child)
 * sends SIGTERM to the group, waits for the exit, sends SIGKILL to the group when
 * the grace period passes first, and at the end SIGKILLs whatever is still in the
 * group (a grandchild the leader left behind). When this process ends without
 * stopping them (interrupted, killed), a reaper process SIGKILLs every group still running.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupChild {
  /** The leader's pid, also the process group id. */
  readonly pid: number;
  readonly process: ChildProcess;
  /** The leader's exit, once its output streams are closed too. */
  readonly exited: Promise<ChildExit>;
  /** True once the leader has exited. */
  readonly done: boolean;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves with the match once `pattern` appears in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Writes one line to stdin (spawned with stdin 'pipe'). */
  send(line: string): void;
  /** Sends `signal` to the whole group (while it runs) and resolves on the leader's exit (no escalation). */
  kill(signal: NodeJS.Signals): Promise<ChildExit>;
}

const groups = new Set<GroupChild>();
/** The characters of a child's output kept (its tail). */
const OUTPUT_KEPT = 1 << 20;

/** Sends `signal` to process group `pgid`; false when the group is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}

/**
 * The reaper: a small node process, in a group of its own, that reads `+pgid` and
 * `-pgid` lines on stdin and SIGKILLs the groups still listed when its stdin closes,
 * that is when this process ends in any way (a jest worker killed, Ctrl-C, SIGKILL).
 * Listeners on `process` cannot do that here: jest gives each test file a copy of
 * `process` that never receives the real process's signals or 'exit'.
 * It runs while a group is running: its stdin is closed, and it exits, when none is.
 */
const REAPER = `const g = new Set(); let b = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { b += d; const l = b.split('\\n'); b = l.pop();
  for (const x of l) x[0] === '+' ? g.add(Number(x.slice(1))) : g.delete(Number(x.slice(1))); });
process.stdin.on('end', () => { for (const p of g) { try { process.kill(-p, 'SIGKILL'); } catch {} } process.exit(0); });`;

let reaper: ChildProcess | undefined;
function tellReaper(line: string): void {
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    reaper.once('error', () => undefined);
    reaper.stdin?.on('error', () => undefined);
    reaper.unref(); // neither the process nor its pipe keeps this one alive
    (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  reaper.stdin?.write(`${line}\n`);
}

function releaseReaper(): void {
  reaper?.stdin?.end();
  reaper = undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Spawns `command` as the leader of a new process group, its output collected. */
export function spawnGroup(command: string, args: string[], options: Omit<SpawnOptions, 'detached'> = {}): GroupChild {
  const proc = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  const name = `${path.basename(command)} ${args.join(' ')}`.slice(0, 200);
  proc.once('error', () => undefined); // ENOENT and the like: the missing pid below reports it
  if (proc.pid === undefined) throw new Error(`${name}: could not be spawned`);
  tellReaper(`+${proc.pid}`);
  const pid = proc.pid;
  let out = '';
  let done = false;
  let closed = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    // A long-running server logs on: keep the last part, enough for any message waited for.
    if (out.length > OUTPUT_KEPT) out = out.slice(-OUTPUT_KEPT / 2);
    notify();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  proc.stdin?.on('error', () => undefined); // a killed child's stdin may be gone
  proc.once('exit', () => {
    done = true;
  });
  const exited = new Promise<ChildExit>((resolve) =>
    proc.once('close', (code, signal) => {
      done = true;
      closed = true;
      resolve({ code, signal });
      notify();
    }),
  );

  const child: GroupChild = {
    pid,
    process: proc,
    exited,
    get done() {
      return done;
    },
    output: () => out,
    waitFor(pattern, timeoutMs) {
      const regexp = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
      return new Promise((resolve, reject) => {
        const finish = (result: RegExpMatchArray | Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (result instanceof Error) reject(result);
          else resolve(result);
        };
        const check = () => {
          const match = regexp.exec(out);
          if (match) finish(match);
          else if (closed) finish(new Error(`${name} (pid ${pid}) exited before printing ${regexp}: ${out.slice(-2000)}`));
        };
        const timer = setTimeout(() => finish(new Error(`${name} (pid ${pid}) did not print ${regexp} within ${timeoutMs} ms: ${out.slice(-2000)}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    send(line) {
      proc.stdin?.write(`${line}\n`);
    },
    kill(signal) {
      if (groups.has(child)) signalGroup(pid, signal);
      return exited;
    },
  };
  groups.add(child);
  void exited.then(() => {
    // The leader is gone: sweep what it left in its group, then forget it.
    signalGroup(pid, 'SIGKILL');
    groups.delete(child);
    tellReaper(`-${pid}`);
    if (groups.size === 0) releaseReaper();
  });
  return child;
}

/** `node --import tsx <args>` from the project root: the leader is the script's own node process, no wrapper. */
export function spawnTsx(args: string[], options: Omit<SpawnOptions, 'detached'> = {}): GroupChild {
  return spawnGroup(process.execPath, ['--import', 'tsx', ...args], options);
}

/**
 * SIGTERM to the group; SIGKILL to the group when the leader has not exited within
 * `graceMs`. Resolves with the leader's exit; the group is swept with SIGKILL after it.
 */
export async function stopGroup(child: GroupChild, graceMs = 10_000): Promise<ChildExit> {
  if (!groups.has(child)) return child.exited; // closed, and its group swept already
  // Also when the leader has exited: a grandchild holding its output open is still in the group.
  signalGroup(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const first = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (first === 'late') signalGroup(child.pid, 'SIGKILL');
  return child.exited; // on close the group is swept with SIGKILL (spawnGroup)
}

/** Stops every group spawned here that is still running (afterAll). */
export async function stopAllGroups(graceMs = 10_000): Promise<void> {
  await Promise.all([...groups].map((child) => stopGroup(child, graceMs)));
}
