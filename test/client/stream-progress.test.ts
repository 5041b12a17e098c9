/**
 * `orchestrator watch <workflowId>` on the real stack: while acodeDailySync
 * runs, per stream the rows done (from the sync activities' heartbeats and
 * results), then a summary line and the exit status of the run: 0 when it
 * completed, 1 when it did not (here: terminated).
 *
 * The fiscal table (10,000 keys, 5,000 per activity) is read in two key
 * slices, two activities whose rows the watch sums, of the bound's total;
 * the first slice is held before it runs, so the watch is sure to see the
 * stream in flight; the other streams run meanwhile. Files of 1,000 rows and
 * a 5 s heartbeat timeout (heartbeats reach the service every 4 s) give the
 * released slice several heartbeats.
 */
import { ACODE_FISCAL_TABLE, ACODE_STREAMS } from '../../config/pipelines';
import type { ClientSettings } from '../../client/connection';
import { runCli } from '../../client/cli';
import { redactText, secretValues } from '../../worker/logging';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId } from '../../workflows/ids';
import { startStack, type Stack, type StackOptions } from '../helpers/stack-env';

const FISCAL_ROWS = 10_000;

let stack: Stack;
beforeAll(async () => {
  const extract = { maxRowsPerFile: 1_000, batchRows: 500, rowsPerActivity: FISCAL_ROWS / 2 };
  stack = await startStack({ fiscalRows: FISCAL_ROWS, radar: false, extract: extract as StackOptions['extract'] });
}, 60_000);
afterAll(() => stack?.teardown());

/** The CLI's `watch` in this process, on the stack's client (left open), its lines collected as the CLI prints them. */
function watchInProcess(workflowId: string) {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const out = (text: string) => {
    for (const line of redactText(text, secretValues()).split('\n')) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  const errors: string[] = [];
  const exit = runCli(['watch', workflowId, '--every', '0.2'], {
    connect: async () => ({ client: stack.client, settings: {} as ClientSettings, close: async () => undefined }),
    out,
    err: (text) => errors.push(text),
    readInput: () => '',
  });
  /** The first line (already printed or to come) matching `pattern`. */
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) resolve(seen);
      else waiters.push({ pattern, resolve });
    });
  return { lines, errors, exit, line };
}

const fiscalInFlight = new RegExp(`^acode ${ACODE_FISCAL_TABLE} \\d+(/\\d+)? rows`);
const doneLine = (stream: string) => new RegExp(`^acode ${stream} done (\\d+) rows, (\\d+) files$`);

test('watch shows each stream in flight and its rows done, then the summary; exit 0 when the run completed', async () => {
  const date = '2025-10-01';
  const fiscal = stack.hold('syncTableToS3', (input) => input.stream === ACODE_FISCAL_TABLE && input.slice?.slice.index === 0);
  const handle = await stack.start('acodeDailySync', { date, source: 'primary', timings: { syncHeartbeatTimeoutMs: 5000 } }, acodeDailySyncId(date, 'primary'));
  const watch = watchInProcess(handle.workflowId);
  await stack.skipTimeUntil(fiscal.reached);
  // the first slice held inside its activity, the second one reading: the stream's rows of both slices' keys
  expect(await stack.skipTimeUntil(watch.line(fiscalInFlight))).toMatch(new RegExp(`^acode ${ACODE_FISCAL_TABLE} \\d+/${FISCAL_ROWS} rows \\d+%`));
  fiscal.release();
  const code = await stack.skipTimeUntil(watch.exit);
  const result = (await handle.result()) as AcodeDailySyncResult;

  expect(watch.errors).toEqual([]);
  expect(code).toBe(0);
  for (const stream of ACODE_STREAMS) {
    const landed = result.streams.find((s) => s.stream === stream.name)!;
    const done = watch.lines.filter((l) => doneLine(stream.name).test(l));
    expect(done).toHaveLength(1); // a finished stream is named once
    const [, rows, files] = doneLine(stream.name).exec(done[0])!;
    expect({ rows: Number(rows), files: Number(files) }).toEqual({ rows: landed.rows, files: landed.files });
  }
  const fiscalCalls = stack.calls.filter((c) => c.name === 'syncTableToS3' && (c.input as { stream: string }).stream === ACODE_FISCAL_TABLE);
  expect(fiscalCalls.filter((c) => (c.input as { date: string }).date === date).map((c) => (c.input as { slice?: unknown }).slice !== undefined)).toEqual([true, true]);
  expect(result.streams.find((s) => s.stream === ACODE_FISCAL_TABLE)!.rows).toBe(FISCAL_ROWS);
  // the fiscal rows shown in flight never go back and never pass the rows landed
  const shown = watch.lines.filter((l) => fiscalInFlight.test(l)).map((l) => Number(/ (\d+)(\/\d+)? rows/.exec(l)![1]));
  expect(shown).toEqual([...shown].sort((a, b) => a - b));
  expect(Math.max(...shown)).toBeLessThanOrEqual(FISCAL_ROWS);
  // with a total (the rows of the stream's bound) the line gives the percentage
  for (const l of watch.lines.filter((l) => / \d+\/\d+ rows/.test(l))) expect(l).toMatch(/ \d+\/\d+ rows \d+%/);
  if (process.env.WATCH_LINES) console.log(watch.lines.join('\n'));
  expect(watch.lines[watch.lines.length - 1]).toMatch(
    new RegExp(`^acodeDailySync ${handle.workflowId}: COMPLETED after \\d+ (s|min)[^,]*, ${ACODE_STREAMS.length} streams: ${ACODE_STREAMS.length} done, \\d+ rows$`),
  );
}, 120_000);

test('a run that does not complete (terminated while its fiscal sync is held): the stream last seen, exit 1', async () => {
  const date = '2025-10-02';
  const fiscal = stack.hold('syncTableToS3', (input) => input.stream === ACODE_FISCAL_TABLE && input.slice?.slice.index === 0);
  const handle = await stack.start('acodeDailySync', { date, source: 'primary', timings: { syncHeartbeatTimeoutMs: 5000 } }, acodeDailySyncId(date, 'primary'));
  const watch = watchInProcess(handle.workflowId);
  await stack.skipTimeUntil(fiscal.reached);
  await stack.skipTimeUntil(watch.line(fiscalInFlight));
  await handle.terminate('stopped by the test');
  const code = await stack.skipTimeUntil(watch.exit);
  fiscal.release(); // its heartbeats now find no run, and it ends
  expect(code).toBe(1);
  expect(watch.errors).toEqual([]);
  expect(watch.lines[watch.lines.length - 1]).toMatch(new RegExp(`^acodeDailySync ${handle.workflowId}: TERMINATED after .*, ${ACODE_STREAMS.length} streams: `));
}, 120_000);

test("a run started under another id (a schedule's) syncs the day as its child: watching the parent shows the child's streams", async () => {
  const date = '2025-10-03';
  const handle = await stack.start('acodeDailySync', { date, source: 'primary' }, `acode-daily-scheduled-${date}T02:00:00Z`);
  const watch = watchInProcess(handle.workflowId);
  const code = await stack.skipTimeUntil(watch.exit);
  const result = (await handle.result()) as AcodeDailySyncResult;
  expect(code).toBe(0);
  for (const stream of ACODE_STREAMS) {
    const landed = result.streams.find((s) => s.stream === stream.name)!;
    expect(watch.lines).toContain(`acode ${stream.name} done ${landed.rows} rows, ${landed.files} files`);
  }
  expect(watch.lines[watch.lines.length - 1]).toMatch(new RegExp(`: COMPLETED after .*, ${ACODE_STREAMS.length} streams: ${ACODE_STREAMS.length} done, `));
}, 120_000);

test('watching a workflow the service does not know: one line on stderr, exit 1', async () => {
  const watch = watchInProcess('acode-daily-1999-01-01-primary');
  expect(await watch.exit).toBe(1);
  expect(watch.errors).toHaveLength(1);
  expect(watch.errors[0]).toMatch(/^orchestrator: .*not found/i);
});
