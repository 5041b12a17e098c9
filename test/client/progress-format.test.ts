/** Progress a person can read: rate, time left and the lines, without a service. */
import {
  countLine,
  formatCount,
  formatSeconds,
  plainLines,
  ProgressTracker,
  rowsPerSecond,
  secondsLeft,
  streamLine,
  type StreamProgress,
} from '../../client/progress-format';
import { combineCalls, heartbeatProgress, type CallPart } from '../../client/stream-progress';

const fiscal = (over: Partial<StreamProgress> = {}): StreamProgress => ({
  key: 'acode/primary/fiscal',
  system: 'acode',
  role: 'primary',
  stream: 'fiscal',
  state: 'running',
  rows: 0,
  files: 0,
  ...over,
});

test('rate between two samples, undefined when no time passed or the rows went back', () => {
  expect(rowsPerSecond({ rows: 0, atMs: 0 }, { rows: 52_000, atMs: 1000 })).toBe(52_000);
  expect(rowsPerSecond({ rows: 100, atMs: 1000 }, { rows: 400, atMs: 4000 })).toBe(100);
  expect(rowsPerSecond({ rows: 100, atMs: 1000 }, { rows: 400, atMs: 1000 })).toBeUndefined();
  expect(rowsPerSecond({ rows: 400, atMs: 1000 }, { rows: 100, atMs: 2000 })).toBeUndefined();
});

test('time left from the total and the rate; unknown without either, 0 once there', () => {
  expect(secondsLeft(120_000, 300_000, 45_000)).toBe(4);
  expect(secondsLeft(120_000, undefined, 45_000)).toBeUndefined();
  expect(secondsLeft(120_000, 300_000, undefined)).toBeUndefined();
  expect(secondsLeft(120_000, 300_000, 0)).toBeUndefined();
  expect(secondsLeft(300_000, 300_000, undefined)).toBe(0);
});

test('counts and durations for the eye', () => {
  expect([formatCount(950), formatCount(1500), formatCount(52_400), formatCount(1_234_567), formatCount(50_000_000)]).toEqual(['950', '1.5k', '52k', '1.2M', '50M']);
  expect([formatSeconds(3.2), formatSeconds(0), formatSeconds(125), formatSeconds(120), formatSeconds(4800)]).toEqual(['4 s', '0 s', '2 min 5 s', '2 min', '1 h 20 min']);
});

test('a stream line per state, the running one as the README shows it', () => {
  expect(streamLine({ ...fiscal({ rows: 120_000, total: 300_000 }), rate: 52_000, secondsLeft: 3.5 })).toBe('acode fiscal 120000/300000 rows 40% 52k rows/s 4 s left');
  expect(streamLine(fiscal({ rows: 120_000 }))).toBe('acode fiscal 120000 rows');
  expect(streamLine(fiscal({ role: 'backup', state: 'pending', attempt: 2, rows: 4000 }))).toBe('acode fiscal (backup) waiting (attempt 2), 4000 rows landed');
  expect(streamLine(fiscal({ state: 'pending', attempt: 3, error: 'Lost connection' }))).toBe('acode fiscal waiting (attempt 3) (last attempt: Lost connection)');
  expect(streamLine(fiscal({ state: 'done', rows: 300_000, files: 3, total: 300_000 }))).toBe('acode fiscal done 300000 rows, 3 files');
  expect(streamLine(fiscal({ state: 'failed', rows: 10, error: 'connection refused' }))).toBe('acode fiscal failed after 10 rows: connection refused');
  expect(streamLine(fiscal({ system: 'radar', stream: 'clientes', rows: 5, total: 0 }))).toBe('radar clientes 5/0 rows 100%');
});

test('the tracker: a rate once the rows changed between samples, a new attempt starting anew, stalled as 0', () => {
  const t = new ProgressTracker(30_000);
  expect(t.update([fiscal({ rows: 0, total: 1000 })], 0)[0]).toMatchObject({ rate: undefined, secondsLeft: undefined });
  expect(t.update([fiscal({ rows: 0, total: 1000 })], 1000)[0].rate).toBeUndefined();
  expect(t.update([fiscal({ rows: 200, total: 1000 })], 2000)[0]).toMatchObject({ rate: 100, secondsLeft: 8 });
  // no new heartbeat between two readings: the rate stays the one of the samples
  expect(t.update([fiscal({ rows: 200, total: 1000 })], 3000)[0].rate).toBe(100);
  expect(t.update([fiscal({ rows: 600, total: 1000 })], 4000)[0]).toMatchObject({ rate: 150, secondsLeft: 400 / 150 });
  // a retried attempt that lost its checkpoint: fewer rows, no rate until it moves again
  expect(t.update([fiscal({ rows: 100, total: 1000 })], 5000)[0].rate).toBeUndefined();
  expect(t.update([fiscal({ rows: 300, total: 1000 })], 6000)[0].rate).toBe(200);
  // nothing for a whole window: 0 rows/s, time left unknown
  expect(t.update([fiscal({ rows: 300, total: 1000 })], 40_000)[0]).toMatchObject({ rate: 0, secondsLeft: undefined });
  // older samples leave the window: the rate spans it from the last sample before it (400 at 41 s)
  t.update([fiscal({ rows: 400, total: 1000 })], 41_000);
  t.update([fiscal({ rows: 500, total: 1000 })], 80_000);
  expect(t.update([fiscal({ rows: 600, total: 1000 })], 81_000)[0].rate).toBe(200 / 40);
  expect(t.update([fiscal({ state: 'done', rows: 1000, total: 1000 })], 82_000)[0]).toMatchObject({ secondsLeft: 0 });
});

test('plain lines: streams in flight each time, a finished stream once', () => {
  const reported = new Set<string>();
  const products = fiscal({ key: 'acode/primary/products', stream: 'products', state: 'done', rows: 300, files: 1 });
  const first = plainLines([fiscal({ rows: 10 }), products], reported);
  expect(first).toEqual(['acode fiscal 10 rows', 'acode products done 300 rows, 1 files']);
  expect(plainLines([fiscal({ rows: 20 }), products], reported)).toEqual(['acode fiscal 20 rows']);
  expect(plainLines([fiscal({ state: 'done', rows: 30, files: 2 }), products], reported)).toEqual(['acode fiscal done 30 rows, 2 files']);
  expect(plainLines([fiscal({ state: 'done', rows: 30, files: 2 }), products], reported)).toEqual([]);
  expect(countLine([fiscal({ state: 'done', rows: 30 }), products, fiscal({ key: 'x', state: 'pending' })])).toBe('3 streams: 2 done, 1 waiting, 330 rows');
});

test('heartbeat details: progress with or without a total, a checkpoint alone, nothing', () => {
  const slice = (index: number, after: string | null, upTo: string) => ({ index, after, upTo, lastKey: null, files: 0, rows: 0, bytes: 0, done: false });
  const bound = { key: 'idpk', low: '1', high: '900' };
  const checkpoint = { stream: 'fiscal', date: '2026-12-02', role: 'primary', bound, slices: [slice(0, null, '450'), slice(1, '450', '900')], files: 3, rows: 300, bytes: 1, abIdPrefix: 'x', emittedAtMs: 1 };
  expect(heartbeatProgress({ ...checkpoint, progress: { rows: 350, files: 3, total: 880 } })).toEqual({ rows: 350, files: 3, total: 880 });
  expect(heartbeatProgress({ progress: { rows: 0, files: 0 } })).toEqual({ rows: 0, files: 0 });
  // a checkpoint alone (the heartbeat after a file): its rows, and its slices' key span as the total
  expect(heartbeatProgress(checkpoint)).toEqual({ rows: 300, files: 3, total: 900 });
  expect(heartbeatProgress({ ...checkpoint, slices: [] })).toEqual({ rows: 300, files: 3 });
  expect(heartbeatProgress(undefined)).toEqual({ rows: 0, files: 0 });
  expect(heartbeatProgress({ progress: { rows: 'many' } })).toEqual({ rows: 0, files: 0 });
});

test('plain lines of a system with many streams: its finished tables counted on one line, a failed one named', () => {
  const reported = new Set<string>();
  const table = (i: number, over: Partial<StreamProgress>) => fiscal({ key: `radar/primary/t${i}`, system: 'radar', stream: `t${i}`, ...over });
  const tables = (doneUpTo: number) => Array.from({ length: 10 }, (_, i) => table(i, i < doneUpTo ? { state: 'done', rows: 5, files: 1 } : i === doneUpTo ? { rows: 2 } : { state: 'pending' }));
  expect(plainLines(tables(0), reported, 8)).toHaveLength(10);
  const later = plainLines(tables(3), reported, 8);
  expect(later).toContain('radar t3 2 rows');
  expect(later).not.toContain('radar t0 done 5 rows, 1 files');
  expect(later[later.length - 1]).toBe('radar: 10 streams: 3 done, 1 running, 6 waiting, 17 rows');
  expect(plainLines(tables(3), reported, 8).some((l) => l.startsWith('radar:'))).toBe(false);
  const failed = [...tables(3).slice(0, 9), table(9, { state: 'failed', rows: 0, error: 'Table is locked' })];
  expect(plainLines(failed, reported, 8)).toContain('radar t9 failed after 0 rows: Table is locked');
});

test('a table read in key slices: rows, files and the total summed, done once the finish completed', () => {
  const part = (over: Partial<CallPart>): CallPart => ({ state: 'running', rows: 0, files: 0, ...over });
  const slices = (...parts: CallPart[]) => new Map(parts.map((p, i) => [i, p]));
  expect(combineCalls({ slices: new Map() })).toEqual({ state: 'pending', rows: 0, files: 0 });
  expect(combineCalls({ whole: part({ rows: 5, total: 9 }), slices: new Map() })).toEqual(part({ rows: 5, total: 9 }));
  expect(combineCalls({ slices: slices(part({ rows: 100, files: 1, total: 500 }), part({ state: 'pending', total: 500 })) })).toEqual({ state: 'running', rows: 100, files: 1, total: 1000 });
  // a slice without a total yet: the stream's total unknown
  expect(combineCalls({ slices: slices(part({ rows: 100, total: 500 }), part({})) }).total).toBeUndefined();
  // every slice waiting, one for its retry: waiting, with the attempt and why
  expect(combineCalls({ slices: slices(part({ state: 'pending', total: 5 }), part({ state: 'pending', attempt: 2, error: 'Lost connection', rows: 3, total: 5 })) })).toEqual({
    state: 'pending',
    rows: 3,
    files: 0,
    total: 10,
    attempt: 2,
    error: 'Lost connection',
  });
  // all slices landed, the finish to come: still running
  expect(combineCalls({ slices: slices(part({ state: 'done', rows: 498, total: 498 }), part({ state: 'done', rows: 500, total: 500 })) }).state).toBe('running');
  expect(combineCalls({ slices: slices(part({ state: 'done', rows: 498 }), part({ state: 'failed', rows: 20, error: 'Table is locked' })) })).toMatchObject({ state: 'failed', rows: 518, error: 'Table is locked' });
  const finish = part({ state: 'done', rows: 998, files: 4 });
  expect(combineCalls({ slices: slices(part({ state: 'done', rows: 498 }), part({ state: 'done', rows: 500 })), finish })).toEqual({ ...finish, total: 998 });
});
