/**
 * Progress a person can read, the pure half: per-stream rate and time left
 * from samples of rows done, and the lines that show them
 * (`acode fiscal 120000/300000 rows 40% 52k rows/s 4 s left`).
 * client/stream-progress.ts reads the samples from Temporal; client/watch.ts
 * and the main job (worker/daily-run.ts) show them.
 */

export type StreamState = 'pending' | 'running' | 'done' | 'failed';

/** One stream (a `syncTableToS3` call: system, role, stream) as last read from its run. */
export interface StreamProgress {
  /** `system/role/stream`: a stream read from the backup is another stream than from the primary. */
  key: string;
  system: string;
  role: string;
  stream: string;
  state: StreamState;
  /** Rows done so far (its last heartbeat), or the rows landed once done. */
  rows: number;
  files: number;
  /** The rows of the stream's consistent bound, when the activity reported them (always once done). */
  total?: number;
  /** The attempt running (pending and running streams). */
  attempt?: number;
  /** Why the stream failed (failed streams) or its last attempt did (a stream waiting for a retry), one line. */
  error?: string;
}

/** A stream with what its samples say: rows per second and seconds left (both unknown until two samples differ). */
export interface TrackedStream extends StreamProgress {
  rate?: number;
  secondsLeft?: number;
}

export interface Sample {
  rows: number;
  atMs: number;
}

/** Rows per second between two samples; undefined when no time passed or the rows went back (a new attempt). */
export function rowsPerSecond(first: Sample, last: Sample): number | undefined {
  const ms = last.atMs - first.atMs;
  if (ms <= 0 || last.rows < first.rows) return undefined;
  return ((last.rows - first.rows) * 1000) / ms;
}

/** Seconds until `total` at `rate`; undefined without a total or a positive rate, 0 once there. */
export function secondsLeft(rows: number, total: number | undefined, rate: number | undefined): number | undefined {
  if (total === undefined) return undefined;
  if (rows >= total) return 0;
  if (rate === undefined || !(rate > 0)) return undefined;
  return (total - rows) / rate;
}

/** 950, 52k, 1.2M: counts for a person's eye. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 1_000_000) return `${trim(n / 1000, abs < 10_000)}k`;
  return `${trim(n / 1_000_000, abs < 10_000_000)}M`;
}

function trim(value: number, oneDecimal: boolean): string {
  return oneDecimal ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(0);
}

/** 4 s, 2 min 5 s, 1 h 20 min. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** `acode fiscal`, `acode fiscal (backup)`, `radar clientes`. */
export function streamLabel(s: Pick<StreamProgress, 'system' | 'role' | 'stream'>): string {
  return `${s.system} ${s.stream}${s.role === 'primary' ? '' : ` (${s.role})`}`;
}

/** rows done, of the total when known, with percentage. */
export function rowsOfTotal(rows: number, total: number | undefined): string {
  if (total === undefined) return `${rows} rows`;
  const percent = total > 0 ? Math.min(100, Math.floor((rows * 100) / total)) : 100;
  return `${rows}/${total} rows ${percent}%`;
}

/** One stream's plain line: `acode fiscal 120000/300000 rows 40% 52k rows/s 4 s left`. */
export function streamLine(s: TrackedStream): string {
  const label = streamLabel(s);
  const attempt = s.attempt && s.attempt > 1 ? ` (attempt ${s.attempt})` : '';
  switch (s.state) {
    case 'pending':
      return `${label} waiting${attempt}${s.rows ? `, ${rowsOfTotal(s.rows, s.total)} landed` : ''}${s.error ? ` (last attempt: ${s.error})` : ''}`;
    case 'done':
      return `${label} done ${s.rows} rows, ${s.files} files`;
    case 'failed':
      return `${label} failed after ${s.rows} rows${s.error ? `: ${s.error}` : ''}`;
    case 'running': {
      const rate = s.rate === undefined ? '' : ` ${formatCount(s.rate)} rows/s`;
      const left = s.secondsLeft === undefined ? '' : ` ${formatSeconds(s.secondsLeft)} left`;
      return `${label} ${rowsOfTotal(s.rows, s.total)}${rate}${left}${attempt}`;
    }
  }
}

/** How long a rate looks back: long enough to span a few heartbeats, short enough to follow a change of pace. */
export const RATE_WINDOW_MS = 30_000;

/**
 * Keeps each stream's samples (a sample when its rows change) and gives the
 * streams back with their rate over the window and their time left. A stream
 * whose rows go back (a retried attempt without a checkpoint) starts anew.
 */
export class ProgressTracker {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  update(streams: StreamProgress[], atMs: number): TrackedStream[] {
    return streams.map((s) => {
      if (s.state !== 'running') {
        this.samples.delete(s.key);
        return { ...s, ...(s.state === 'done' ? { secondsLeft: 0 } : {}) };
      }
      let kept = this.samples.get(s.key) ?? [];
      const last = kept[kept.length - 1];
      if (last && s.rows < last.rows) kept = [];
      if (!last || s.rows !== last.rows || kept.length === 0) kept.push({ rows: s.rows, atMs });
      // drop samples older than the window, keeping at least two
      while (kept.length > 2 && kept[1].atMs <= atMs - this.windowMs) kept.shift();
      this.samples.set(s.key, kept);
      const newest = kept[kept.length - 1];
      // no new rows for a whole window: stalled (0 rows/s), not the pace of long ago
      const stalled = kept.length >= 2 && newest.atMs <= atMs - this.windowMs;
      const rate = stalled ? 0 : kept.length >= 2 ? rowsPerSecond(kept[0], newest) : undefined;
      return { ...s, rate, secondsLeft: secondsLeft(s.rows, s.total, rate) };
    });
  }
}

/** Done, failed and running streams, counted: `3 streams: 2 done, 1 running`. */
export function countLine(streams: StreamProgress[]): string {
  const by = (state: StreamState) => streams.filter((s) => s.state === state).length;
  const parts = (['done', 'running', 'pending', 'failed'] as const).filter((st) => by(st) > 0).map((st) => `${by(st)} ${st === 'pending' ? 'waiting' : st}`);
  const rows = streams.reduce((sum, s) => sum + s.rows, 0);
  return `${streams.length} streams${parts.length ? `: ${parts.join(', ')}` : ''}, ${rows} rows`;
}

/** Above this many streams of one system, its finished streams are counted on one line instead of a line each. */
export const LINES_PER_SYSTEM = 8;

/**
 * The plain lines of one look at the streams: each running or waiting stream,
 * and each stream that finished since the last look (`reported` remembers
 * those, so a finished stream is named once). A system with many streams
 * (Radar's tables) names a failed one, and counts the done ones on one line
 * when the count changed: `radar: 40 streams: 36 done, 4 running, 1230 rows`.
 */
export function plainLines(streams: TrackedStream[], reported: Set<string>, perSystem = LINES_PER_SYSTEM): string[] {
  const lines: string[] = [];
  const systems = new Map<string, TrackedStream[]>();
  for (const s of streams) systems.set(s.system, [...(systems.get(s.system) ?? []), s]);
  for (const [system, list] of systems) {
    const many = list.length > perSystem;
    let newlyDone = false;
    for (const s of list) {
      if (s.state === 'running' || s.state === 'pending') {
        lines.push(streamLine(s));
        reported.delete(s.key);
      } else if (!reported.has(s.key)) {
        reported.add(s.key);
        if (many && s.state === 'done') newlyDone = true;
        else lines.push(streamLine(s));
      }
    }
    if (newlyDone) lines.push(`${system}: ${countLine(list)}`);
  }
  return lines;
}
