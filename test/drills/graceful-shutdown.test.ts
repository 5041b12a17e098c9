/**
 * Drill: the served worker (`worker/main.ts --serve`, the container's entry
 * point) receives SIGTERM while ACODE's three stream syncs are running. It must
 * stop polling and drain: the running syncs finish on it within the shutdown
 * grace time, it takes no new task, and the process exits 0. A new served
 * worker on the same queue then completes the workflow, which lands exactly
 * the source's rows.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId } from '../../workflows/ids';
import { startStack, type Stack } from '../helpers/stack-env';
import { pollUntil } from '../scenarios/poll-until';
import { activityRuns } from './activity-attempts';
import { expectStreamsLandedExactly } from './landed-partitions';
import { killAllWorkerChildren, spawnWorkerChild, type WorkerChild } from './worker-children';

/** worker/worker.ts: shutdownGraceTime. */
const SHUTDOWN_GRACE_MS = 30_000;
const SYNC = 'syncTableToS3';
/** Engine default: one file a stream at these sizes. */
const MAX_ROWS_PER_FILE = 1_000_000;
const STARTED = 2; // PENDING_ACTIVITY_STATE_STARTED

let stack: Stack;
let taskQueue: string;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 40_000, radar: false, temporalServer: 'dev' });
  taskQueue = `${stack.taskQueue}-served`;
}, 90_000);
afterAll(async () => {
  await killAllWorkerChildren();
  await stack?.teardown();
});

/** `node worker/main.ts --serve` against the test's services; resolves once it polls. */
async function startServedWorker(): Promise<WorkerChild> {
  const child = spawnWorkerChild(['worker/main.ts', '--serve'], { ...stack.workerEnv(), TEMPORAL_TASK_QUEUE: taskQueue, LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
  await child.waitFor('worker polling', 60_000);

  return child;
}

/** Resolves when all three stream syncs are running on `worker` and the fiscal one has reported progress. */
function syncsInFlight(handle: WorkflowHandle, worker: WorkerChild) {
  return pollUntil(
    'three stream syncs running on the first worker, the fiscal one mid-stream',
    async () => {
      const pending = ((await handle.describe()).raw.pendingActivities ?? []).filter((a) => a.activityType?.name === SYNC);
      const running = pending.filter((a) => a.state === STARTED && (a.lastWorkerIdentity ?? '').startsWith(worker.identityPrefix));
      return running.length === 3 && running.some((a) => (a.heartbeatDetails?.payloads?.length ?? 0) > 0) ? running : undefined;
    },
    30_000,
    20,
  );
}

/**
 * The child's exit after SIGTERM. Fails at once, with the child's own words, when it reports
 * that the job failed; fails after `ms` when it has not exited. Either way the child is SIGKILLed.
 */
async function exitWithin(child: WorkerChild, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const failed = child.waitFor('main job failed', ms).then(
    () => 'failed' as const,
    () => new Promise<never>(() => undefined),
  );
  const exit = await Promise.race([child.exited, late, failed]);
  clearTimeout(timer);
  if (exit !== 'late' && exit !== 'failed') return exit;
  await new Promise((resolve) => setImmediate(resolve)); // let the failure line arrive whole
  const said = child.output().split('\n').find((l) => l.includes('main job failed'));
  await child.kill('SIGKILL');
  throw new Error(`worker ${child.pid} after SIGTERM: ${said ?? `not exited within ${ms} ms: ${child.output().slice(-1500)}`}`);
}

test('SIGTERM mid-sync: the served worker drains the running syncs and exits 0; a new one completes the workflow with exactly the source rows', async () => {
  const date = '2024-11-05';
  const first = await startServedWorker();
  const handle = await stack.client.workflow.start('acodeDailySync', {
    taskQueue,
    workflowId: acodeDailySyncId(date, 'primary'),
    args: [{ date, source: 'primary', engine: 'direct', recoverOnFailure: false, timings: { syncHeartbeatTimeoutMs: '10s' } }],
    workflowTaskTimeout: '2s',
  });
  await syncsInFlight(handle, first);

  const signalled = Date.now();
  void first.terminate();
  const exit = await exitWithin(first, SHUTDOWN_GRACE_MS + 10_000);
  const drainMs = Date.now() - signalled;
  expect({ exit, output: exit.code === 0 ? '' : first.output().slice(-1500) }).toEqual({ exit: { code: 0, signal: null }, output: '' });
  expect(drainMs).toBeLessThan(SHUTDOWN_GRACE_MS);

  // Drained: the three syncs it was running completed there, on their first attempt; it took nothing new.
  const atExit = await activityRuns(handle);
  const byFirst = atExit.filter((r) => r.identity.startsWith(first.identityPrefix));
  expect(byFirst.map((r) => `${r.activityType}:${r.stream ?? ''}`).sort()).toEqual(
    ['checkSourceConnectivity:', 'planTableSync:', ...atExit.filter((r) => r.activityType === SYNC).map((r) => `${SYNC}:${r.stream}`)].sort(),
  );
  const syncs = atExit.filter((r) => r.activityType === SYNC);
  expect(syncs).toHaveLength(3);
  for (const s of syncs) expect(s).toMatchObject({ attempt: 1, completed: true, failed: false });
  expect((await handle.describe()).status.name).toBe('RUNNING');

  const second = await startServedWorker();
  const result = (await handle.result()) as AcodeDailySyncResult;
  const landed = await expectStreamsLandedExactly(stack, 'bronze', date, MAX_ROWS_PER_FILE);
  for (const stream of landed) expect(result.streams.find((s) => s.stream === stream.stream)?.rows).toBe(stream.sourceRows);
  expect(landed.find((s) => s.stream === ACODE_FISCAL_TABLE)?.rows).toBe(40_000);

  // The rest of the run (partition checks, quality gates, alert) ran on the new worker.
  const after = (await activityRuns(handle)).filter((r) => r.activityType !== SYNC && r.activityType !== 'checkSourceConnectivity' && r.activityType !== 'planTableSync');
  expect(after.length).toBeGreaterThan(0);
  for (const r of after) expect(r.identity.startsWith(second.identityPrefix)).toBe(true);

  // An idle served worker stops on SIGTERM at once, exit 0.
  void second.terminate();
  expect(await exitWithin(second, 10_000)).toEqual({ code: 0, signal: null });
  process.stdout.write(`graceful shutdown: drained and exited ${drainMs} ms after SIGTERM\n`);
}, 150_000);
