/**
 * `orchestrator watch <workflowId>` and the main job's progress: per stream
 * rows done of the total, rate and time left, read from the run's activities
 * (client/stream-progress.ts).
 *   - on a terminal: a progress bar per stream (cli-progress), redrawn every second;
 *     a system with many streams (Radar's tables) keeps bars for the streams
 *     in flight and one bar counting its finished streams;
 *   - otherwise (a pipe, a log, LOG_FORMAT=json): every few seconds one plain
 *     line per stream in flight, and one line when a stream finishes:
 *       acode fiscal 120000/300000 rows 40% 52k rows/s 4 s left
 * Watching ends when the workflow closes, with a summary line; the exit code
 * is 0 when it completed, 1 otherwise.
 */
import type { Client } from '@temporalio/client';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { countLine, formatCount, formatSeconds, plainLines, ProgressTracker, rowsOfTotal, streamLabel, type TrackedStream } from './progress-format';
import { readRunProgress, type RunProgress } from './stream-progress';

/** Above this many streams of one system, finished streams are counted on one bar instead of a bar each. */
const BARS_PER_SYSTEM = 8;

export interface ProgressDisplay {
  show(streams: TrackedStream[]): void;
  stop(): void;
}

/** Plain lines through `write` (the caller's redacting writer). */
export function plainDisplay(write: (line: string) => void): ProgressDisplay {
  const reported = new Set<string>();
  return {
    show: (streams) => plainLines(streams, reported).forEach((line) => write(line)),
    stop: () => undefined,
  };
}

/** A stream that writes through `redact` (secrets never reach the terminal, as in every other output). */
export function redactingStream(stream: NodeJS.WriteStream, redact: (text: string) => string): NodeJS.WriteStream {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return (chunk: unknown, ...rest: unknown[]) => (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function barText(s: TrackedStream): string {
  switch (s.state) {
    case 'pending':
      return `waiting${s.attempt && s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}`;
    case 'done':
      return `done ${s.rows} rows, ${s.files} files`;
    case 'failed':
      return `failed after ${s.rows} rows${s.error ? `: ${s.error.slice(0, 60)}` : ''}`;
    case 'running':
      return [rowsOfTotal(s.rows, s.total), s.rate === undefined ? '' : `${formatCount(s.rate)} rows/s`, s.secondsLeft === undefined ? '' : `${formatSeconds(s.secondsLeft)} left`]
        .filter(Boolean)
        .join(' ');
  }
}

/** Progress bars on a terminal: one per stream, finished streams of a large system counted on its own bar. */
export function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const multibar = new MultiBar(
    { stream, format: '{label} {bar} {text}', barsize: 30, hideCursor: true, clearOnComplete: false, stopOnComplete: false, fps: 5, autopadding: false },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  const systemBars = new Map<string, SingleBar>();
  let width = 0;
  const pad = (label: string) => label.padEnd(width);
  return {
    show(streams) {
      width = Math.max(width, ...streams.map((s) => streamLabel(s).length));
      const perSystem = new Map<string, TrackedStream[]>();
      for (const s of streams) perSystem.set(s.system, [...(perSystem.get(s.system) ?? []), s]);
      for (const [system, list] of perSystem) {
        const many = list.length > BARS_PER_SYSTEM;
        if (many) {
          const finished = list.filter((s) => s.state === 'done' || s.state === 'failed');
          const text = countLine(list);
          const bar = systemBars.get(system) ?? multibar.create(list.length, 0, { label: pad(system), text });
          systemBars.set(system, bar);
          bar.setTotal(list.length);
          bar.update(finished.length, { label: pad(system), text });
        }
        for (const s of list) {
          let bar = bars.get(s.key);
          if (many && s.state === 'done') {
            if (bar) multibar.remove(bar);
            bars.delete(s.key);
            continue;
          }
          // without a total yet the bar stays empty and the text gives the rows done
          const total = s.state === 'done' ? 1 : (s.total ?? 0);
          const value = s.state === 'done' ? 1 : s.total === undefined ? 0 : s.rows;
          const payload = { label: pad(streamLabel(s)), text: barText(s) };
          if (!bar) bars.set(s.key, (bar = multibar.create(Math.max(total, 1), value, payload)));
          bar.setTotal(Math.max(total, 1));
          bar.update(total === 0 ? 0 : value, payload);
        }
      }
      multibar.update();
    },
    stop: () => multibar.stop(),
  };
}

export interface WatchOptions {
  client: Client;
  workflowId: string;
  runId?: string;
  /** Plain lines and the summary (through the caller's redaction). */
  write: (line: string) => void;
  /** A terminal to draw bars on; without it, plain lines. */
  terminal?: NodeJS.WriteStream;
  /** How often to read the run (default 5 s for plain lines, 1 s with bars). */
  intervalMs?: number;
  /** Each reading, as read (tests, the main job). */
  onRead?: (run: RunProgress, streams: TrackedStream[]) => void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `started … : COMPLETED after 34 s, 3 streams: 3 done, 25000 rows`. */
export function summaryLine(run: RunProgress, elapsedMs: number): string {
  return `${run.workflowType} ${run.workflowId}: ${run.status} after ${formatSeconds(elapsedMs / 1000)}, ${countLine(run.streams)}`;
}

/** Watches until the workflow closes; returns 0 when it completed, 1 otherwise. */
export async function watchWorkflow(options: WatchOptions): Promise<number> {
  const display = options.terminal ? barDisplay(options.terminal) : plainDisplay(options.write);
  const intervalMs = options.intervalMs ?? (options.terminal ? 1000 : 5000);
  const tracker = new ProgressTracker();
  const started = Date.now();
  let run: RunProgress;
  try {
    for (;;) {
      run = await readRunProgress(options.client, options.workflowId, options.runId);
      const streams = tracker.update(run.streams, Date.now());
      options.onRead?.(run, streams);
      display.show(streams);
      // a run continued as new goes on under the same id (read again: the latest run)
      if (run.closed && (run.status !== 'CONTINUED_AS_NEW' || options.runId)) break;
      await pause(intervalMs);
    }
  } finally {
    display.stop();
  }
  options.write(summaryLine(run, Date.now() - started));
  return run.status === 'COMPLETED' ? 0 : 1;
}
