/**
 * Drill: S3 misbehaving under ACODE's daily sync, run through the workflow on
 * the whole stack. The worker's activities reach S3 through the fault proxy
 * (startStack s3Faults), which answers like S3 does (InternalError 500,
 * SlowDown 503, S3's XML error body); the checks read S3 directly.
 *
 *  - a burst of 500s shorter than the SDK's retries: absorbed, no activity retried;
 *  - a burst of 503 SlowDown longer than the SDK's retries: a sync attempt
 *    fails and Temporal retries it; the run completes;
 *  - throttling (503 SlowDown) on 15 % of all requests for a whole run;
 *  - S3 failing for longer than every retry, in a rerun over a complete
 *    partition: the run fails with a clear one-line error and hands over to
 *    recovery, and no partition of that date is marked complete with data
 *    missing; once S3 answers again, a rerun lands everything.
 * Every completed run: each stream holds exactly the deterministic file set,
 * one `_SUCCESS`, and exactly the source's keys with no duplicate.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { LOCAL_PASSWORDS } from '../../local/mariadb/credentials';
import type { S3FaultProxy } from '../../local/s3/faults';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId } from '../../workflows/ids';
import { startStack, SHORT_TIMINGS, type Stack } from '../helpers/stack-env';
import { activityRuns } from './activity-attempts';
import { expectNoCompletePartitionMissingData, expectStreamsLandedExactly } from './landed-partitions';

const MAX_ROWS_PER_FILE = 1000;
const SYNC = 'syncTableToS3';

let stack: Stack;
let proxy: S3FaultProxy;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 5000, radar: false, s3Faults: true, extract: { maxRowsPerFile: MAX_ROWS_PER_FILE, batchRows: 500 } });
  proxy = stack.s3Proxy!;
}, 90_000);
afterEach(() => proxy?.clear());
afterAll(() => stack?.teardown());

function startDailySync(date: string): Promise<WorkflowHandle> {
  return stack.start('acodeDailySync', { date, source: 'primary', engine: 'direct', timings: SHORT_TIMINGS }, acodeDailySyncId(date, 'primary'));
}

/** Runs the date's daily sync to completion and checks every partition against the source. */
async function syncCompletely(date: string): Promise<WorkflowHandle> {
  const handle = await startDailySync(date);
  const result = (await handle.result()) as AcodeDailySyncResult;
  const landed = await expectStreamsLandedExactly(stack, 'bronze', date, MAX_ROWS_PER_FILE);
  for (const stream of landed) {
    expect(stream.complete).toBe(true);
    expect(result.streams.find((s) => s.stream === stream.stream)?.rows).toBe(stream.sourceRows);
  }
  return handle;
}

/** The messages of an error and its causes, outermost first. */
function causeMessages(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined; e && out.length < 10; e = e.cause as typeof e) out.push(String(e.message));
  return out;
}

const syncAttempts = async (handle: WorkflowHandle) =>
  (await activityRuns(handle)).filter((r) => r.activityType === SYNC).map((r) => ({ stream: r.stream, attempt: r.attempt, completed: r.completed }));

test('a burst of 500 InternalError mid-upload, shorter than the SDK retries: absorbed, the run lands every row', async () => {
  proxy.failNext(2, { status: 500, operations: ['PutObject'], skip: 3 });
  const handle = await syncCompletely('2024-10-01');
  expect(proxy.count('PutObject', 'failed')).toBe(2);
  // the SDK's own retries absorbed it: every stream synced on its first attempt
  const attempts = await syncAttempts(handle);
  expect(attempts).toHaveLength(3);
  for (const a of attempts) expect(a).toMatchObject({ attempt: 1, completed: true });
});

test('a burst of 503 SlowDown outlasting the SDK retries: a sync attempt fails, Temporal retries it, the run lands every row', async () => {
  // No listing succeeds while the burst lasts, so the 7th failure is some request's third: its attempt fails.
  proxy.failNext(7, { status: 503, operations: ['ListObjectsV2'] });
  const handle = await syncCompletely('2024-10-02');
  expect(proxy.count('ListObjectsV2', 'failed')).toBe(7);
  const attempts = await syncAttempts(handle);
  expect(attempts.every((a) => a.completed)).toBe(true);
  expect(Math.max(...attempts.map((a) => a.attempt))).toBeGreaterThanOrEqual(2);
});

test('throttling: 503 SlowDown on 15 % of all requests for a whole run: retried, the run lands every row', async () => {
  proxy.failFraction(0.15, { status: 503, seed: 11 });
  const before = proxy.log.length;
  await syncCompletely('2024-10-03');
  const during = proxy.log.slice(before);
  const failed = during.filter((e) => e.outcome === 'failed');
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.every((e) => e.status === 503)).toBe(true);
  // roughly the fraction asked for, over enough requests to mean something
  expect(during.length).toBeGreaterThan(40);
  expect(failed.length / during.length).toBeGreaterThan(0.05);
  expect(failed.length / during.length).toBeLessThan(0.3);
});

test('S3 failing longer than every retry in a rerun: the run fails with a clear error, recovery is started, no partition is complete with data missing', async () => {
  const date = '2024-10-01'; // complete since the first drill: the rerun starts over a complete partition
  proxy.failNext(1_000_000, { status: 500, skip: 8 });
  const handle = await startDailySync(date);
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  proxy.clear();
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const message = String((err as WorkflowFailedError).cause?.message);
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toMatch(new RegExp(`^ACODE ${date} sync from the primary failed at sync: .*(InternalError|internal error)`));
  expect(message).toMatch(new RegExp(`recovery recovery-acode-storage_unavailable-${date} started`));
  // the activity's failure in the chain names the operation, bucket and key
  const chain = causeMessages(err);
  const s3Failure = chain.find((m) => /^S3 \w+ s3:\/\/[^ ]+ failed: InternalError \(HTTP 500\)/.test(m));
  expect(s3Failure).toBeDefined();
  expect(s3Failure).toContain(`s3://${stack.buckets.bronze}/`);
  for (const line of chain) {
    expect(line.split('\n')).toHaveLength(1);
    for (const secret of Object.values(LOCAL_PASSWORDS)) expect(line).not.toContain(secret);
  }
  expect(proxy.count(undefined, 'failed')).toBeGreaterThanOrEqual(3);

  // the sync activity gave up after its attempts, nothing after it ran
  const runs = await activityRuns(handle);
  expect(runs.filter((r) => r.activityType === SYNC && r.failed).length).toBeGreaterThan(0);
  expect(runs.some((r) => r.activityType === 'listPartition')).toBe(false);

  const recovery = await stack.client.workflow.getHandle(`recovery-acode-storage_unavailable-${date}`).describe();
  expect(recovery.type).toBe('recovery');

  // _SUCCESS present ⇒ exactly the source's rows; the rerun withdrew at least one marker before failing
  const partitions = await expectNoCompletePartitionMissingData(stack, 'bronze', date);
  expect(partitions.some((p) => !p.complete)).toBe(true);
  // S3 not answering is storage_unavailable: the recovery waits and re-runs the sync (here S3 is back by then)
  await stack.client.workflow.getHandle(recovery.workflowId).result().catch(() => undefined);

  // S3 answers again: a rerun of the date lands everything
  await syncCompletely(date);
}, 150_000);
