/**
 * A worker killed (SIGKILL) in the middle of ACODE's direct sync, once the
 * first Parquet file of the fiscal stream is in S3; a new worker process on the
 * same task queue picks the work up after the heartbeat timeout, and the
 * workflow completes with every source row landed exactly once. The local
 * Temporal service stays up in this process throughout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { partitionPrefix, SUCCESS_MARKER } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId } from '../../workflows/ids';
import { spawnTsx, stopAllGroups, type GroupChild } from '../../engines/process-group';
import { startStack, type Stack } from '../helpers/stack-env';
import { listKeys, sourceKeys } from './landed-data';
import { pollUntil } from './poll-until';
import { ACODE_STREAM_NAMES, expectAcodePartitionsMatchSource } from './scenario-checks';

const ROOT = path.resolve(__dirname, '../..');
const EXTRACT_OPTIONS = { maxRowsPerFile: 1000, batchRows: 500 };

let stack: Stack;
let dir: string;
let bundlePath: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'worker-crash-'));
  const [started, bundle] = await Promise.all([
    startStack({ fiscalRows: 20000, radar: false, temporalServer: 'dev' }),
    bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows/index.ts'), logger: new DefaultLogger('WARN') }),
  ]);
  stack = started;
  bundlePath = path.join(dir, 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
}, 90_000);

afterAll(async () => {
  await stopAllGroups();
  await stack?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a worker process on `taskQueue` and resolves once it polls. */
async function startWorkerProcess(taskQueue: string): Promise<GroupChild> {
  // node itself with tsx's loader, so the pid is the worker's own and SIGKILL hits it, not a wrapper.
  const child = spawnTsx(['test/scenarios/worker-process.ts'], {
    env: { ...process.env, ...stack.workerEnv(), TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE: bundlePath, EXTRACT_OPTIONS: JSON.stringify(EXTRACT_OPTIONS) },
  });
  await child.waitFor('worker running', 30_000);
  return child;
}

test('a worker SIGKILLed mid-sync and a new one started: the sync completes, no row duplicated, none missing', async () => {
  const date = '2024-08-01';
  const taskQueue = `${stack.taskQueue}-processes`;
  const fiscalPrefix = partitionPrefix('acode', ACODE_STREAM_NAMES[0], date);
  const first = await startWorkerProcess(taskQueue);
  const handle = await stack.start(
    'acodeDailySync',
    { date, source: 'primary', engine: 'direct', recoverOnFailure: false, timings: { syncHeartbeatTimeoutMs: '3s' } },
    acodeDailySyncId(date, 'primary'),
    taskQueue,
  );

  const firstFile = await pollUntil(
    'the first fiscal Parquet file',
    async () => (await listKeys(stack.s3, stack.buckets.bronze, fiscalPrefix)).find((k) => k.endsWith('.parquet')),
    30_000,
    10,
  );
  expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
  const atKill = await listKeys(stack.s3, stack.buckets.bronze, fiscalPrefix);
  expect(atKill).toContain(firstFile);
  expect(atKill).not.toContain(`${fiscalPrefix}${SUCCESS_MARKER}`); // killed mid-sync
  expect(atKill.filter((k) => k.endsWith('.parquet')).length).toBeLessThan(20);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await startWorkerProcess(taskQueue);
  const result = (await handle.result()) as AcodeDailySyncResult;

  for (const stream of ACODE_STREAM_NAMES) {
    const summary = result.streams.find((s) => s.stream === stream)!;
    expect(summary.rows).toBe((await sourceKeys(stack.sources, 'primary', stream)).length);
  }
  expect(result.streams.find((s) => s.stream === ACODE_STREAM_NAMES[0])!.files).toBe(20);
  await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'primary');

  // The fiscal sync really ran twice: its second attempt started after the first worker died.
  const history = await handle.fetchHistory();
  const retried = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) >= 2);
  expect(retried.length).toBeGreaterThanOrEqual(1);
}, 90_000);
