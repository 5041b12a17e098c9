/** The Airbyte activities against the simulator over real HTTP, in and out of an activity context. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAirbyteActivities } from '../../activities/airbyte/airbyte';
import type { JobWaitProgress } from '../../activities/airbyte/airbyte-job-wait';
import type { AirbyteJobResult } from '../../activities/types';
import { startAirbyteSimulator, type AirbyteSimulator } from '../../local/airbyte/simulator';
import { ScriptedSync } from './scripted-sync';

const PRIMARY = 'connection_mysql_s3_acode';
const BACKUP = 'connection_mysql_s3_acode_backup';

let sim: AirbyteSimulator;
let sync: ScriptedSync;
let airbyte: ReturnType<typeof createAirbyteActivities>;

/** The SDK's activity harness; its logger only reports errors (expected failures log at WARN). */
const activityEnv = (info?: ConstructorParameters<typeof MockActivityEnvironment>[0]) =>
  new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeEach(async () => {
  sync = new ScriptedSync();
  sim = await startAirbyteSimulator({ runSync: sync.runSync });
  airbyte = createAirbyteActivities({ baseUrl: sim.url });
});
afterEach(async () => {
  await sim.close();
});

test('trigger → running → succeeded, with the records of the injected run', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const env = activityEnv();
  const heartbeats: JobWaitProgress[] = [];
  env.on('heartbeat', (d: JobWaitProgress) => heartbeats.push(d));
  const waiting = env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 20, timeoutMs: 10_000 });

  const run = await sync.started(0);
  expect(run.connection).toMatchObject({ name: PRIMARY, system: 'acode', role: 'primary' });
  await new Promise<void>((resolve) => {
    const seen = () => heartbeats.some((h) => h.status === 'running') && resolve();
    env.on('heartbeat', seen);
    seen();
  });
  run.finish({ recordsSynced: 120_000, bytesSynced: 2_640_000 });

  await expect(waiting).resolves.toEqual({ jobId, status: 'succeeded', rowsSynced: 120_000, bytesSynced: 2_640_000 });
  expect(heartbeats.map((h) => h.status)).toContain('running');
  expect(heartbeats[heartbeats.length - 1]).toMatchObject({ jobId, status: 'succeeded' });
});

test('a job that fails → airbyte_failure naming the job and the attempt\'s failure', async () => {
  sim.failNextJob('Source MySQL: Communications link failure');
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const failure = await failureOf(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 20, timeoutMs: 10_000 }));
  expect(failure.type).toBe('airbyte_failure');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(`Airbyte job ${jobId} failed`);
  expect(failure.message).toContain('Communications link failure');
});

test('a job that hangs → the wait times out, cancels it, and the job ends cancelled', async () => {
  sim.hangNextJob();
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const started = Date.now();
  const failure = await failureOf(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 50, timeoutMs: 400 }));
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  expect(failure.type).toBe('airbyte_failure');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toMatch(new RegExp(`Airbyte job ${jobId} did not finish within 400 ms .*the job was cancelled`));
  expect(sim.jobs.info(jobId).job.status).toBe('cancelled');
});

test('a retried wait keeps the deadline carried in its heartbeat details', async () => {
  sim.hangNextJob();
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const env = activityEnv({ heartbeatDetails: { jobId, startedAtMs: Date.now() - 60_000, polls: 3 } });
  const failure = await failureOf(env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 10_000, timeoutMs: 30_000 }));
  expect(failure.message).toContain('did not finish within 30000 ms');
  expect(sim.jobs.info(jobId).job.status).toBe('cancelled');
});

test('cancelling the activity cancels the Airbyte job and rethrows the cancellation', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const run = await sync.started(0);
  const env = activityEnv();
  env.once('heartbeat', () => env.cancel());
  const error = await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 5_000, timeoutMs: 60_000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CancelledFailure);
  expect(sim.jobs.info(jobId).job.status).toBe('cancelled');
  expect(run.signal.aborted).toBe(true);
});

test('a poll interval longer than the heartbeat timeout still heartbeats within it', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const run = await sync.started(0);
  const env = activityEnv({ heartbeatTimeoutMs: 200 });
  const beats: number[] = [];
  env.on('heartbeat', () => {
    beats.push(Date.now());
    if (beats.length === 4) run.finish({ recordsSynced: 1, bytesSynced: 1 });
  });
  const result = (await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 300, timeoutMs: 10_000 })) as AirbyteJobResult;
  expect(result.status).toBe('succeeded');
  const gaps = beats.slice(1).map((t, i) => t - beats[i]);
  expect(Math.max(...gaps)).toBeLessThan(200);
});

test('cancelAirbyteJob cancels a running job and is harmless on a finished one', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  await sync.started(0);
  await airbyte.cancelAirbyteJob({ jobId });
  expect(sim.jobs.info(jobId).job.status).toBe('cancelled');
  await expect(airbyte.cancelAirbyteJob({ jobId })).resolves.toBeUndefined();
  const unknown = await failureOf(airbyte.cancelAirbyteJob({ jobId: 4242 }));
  expect(unknown.message).toContain('HTTP 404');
});

test('API down → health false and trigger fails with the URL and endpoint, retryable', async () => {
  await expect(airbyte.checkAirbyteHealth()).resolves.toEqual({ available: true });
  sim.setApiDown('unavailable');
  await expect(airbyte.checkAirbyteHealth()).resolves.toEqual({ available: false });
  const answered503 = await failureOf(airbyte.triggerAirbyteSync({ connectionName: PRIMARY }));
  expect(answered503.type).toBe('airbyte_failure');
  expect(answered503.nonRetryable).toBe(false);
  expect(answered503.message).toContain(`Airbyte API at ${sim.url} answered HTTP 503 to POST /api/v1/workspaces/list`);

  sim.setApiDown('reset');
  await expect(airbyte.checkAirbyteHealth()).resolves.toEqual({ available: false });

  const port = await closedPort();
  const nowhere = createAirbyteActivities({ baseUrl: `http://127.0.0.1:${port}` });
  await expect(nowhere.checkAirbyteHealth()).resolves.toEqual({ available: false });
  const refused = await failureOf(nowhere.triggerAirbyteSync({ connectionName: PRIMARY }));
  expect(refused.type).toBe('airbyte_failure');
  expect(refused.nonRetryable).toBe(false);
  expect(refused.message).toMatch(new RegExp(`^Airbyte API unreachable at http://127.0.0.1:${port} \\(POST /api/v1/workspaces/list\\): .*ECONNREFUSED`));
});

test('an inactive connection cannot sync; activate/deactivate round trip', async () => {
  await expect(airbyte.getConnectionStatus({ connectionName: BACKUP })).resolves.toBe('inactive');
  const refused = await failureOf(airbyte.triggerAirbyteSync({ connectionName: BACKUP }));
  expect(refused.type).toBe('airbyte_failure');
  expect(refused.nonRetryable).toBe(true);
  expect(refused.message).toBe(`Airbyte connection ${BACKUP} is inactive; activate it before triggering a sync`);

  await airbyte.setConnectionStatus({ connectionName: PRIMARY, status: 'inactive' });
  await airbyte.setConnectionStatus({ connectionName: BACKUP, status: 'active' });
  await airbyte.setConnectionStatus({ connectionName: BACKUP, status: 'active' });
  expect(sim.registry.get(sim.connectionId(BACKUP)).status).toBe('active');
  await expect(airbyte.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('inactive');

  sync.autoFinish = { recordsSynced: 7, bytesSynced: 70 };
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: BACKUP });
  await expect(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 10, timeoutMs: 5_000 })).resolves.toMatchObject({ status: 'succeeded', rowsSynced: 7 });
  expect(sync.runs[0].connection.role).toBe('backup');

  await airbyte.setConnectionStatus({ connectionName: BACKUP, status: 'inactive' });
  await airbyte.setConnectionStatus({ connectionName: PRIMARY, status: 'active' });
  await expect(airbyte.getConnectionStatus({ connectionName: BACKUP })).resolves.toBe('inactive');
  await expect(airbyte.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('active');
});

test('a retried trigger adopts the sync already running instead of failing', async () => {
  const first = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const second = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  expect(second.jobId).toBe(first.jobId);
  expect(sim.jobs.list(sim.connectionId(PRIMARY))).toHaveLength(1);
});

test('bad input and unknown names fail clearly and for good', async () => {
  const unknown = await failureOf(airbyte.triggerAirbyteSync({ connectionName: 'connection_nope' }));
  expect(unknown.nonRetryable).toBe(true);
  expect(unknown.message).toBe(`airbyte: no connection named connection_nope at ${sim.url}`);

  const badWait = await failureOf(airbyte.waitForAirbyteJob({ jobId: 1, pollIntervalMs: 0, timeoutMs: 10 }));
  expect(badWait.type).toBe('invalid_input');
  expect(badWait.message).toContain('pollIntervalMs 0');

  const badStatus = await failureOf(airbyte.setConnectionStatus({ connectionName: PRIMARY, status: 'paused' as 'active' }));
  expect(badStatus.type).toBe('invalid_input');

  expect(() => createAirbyteActivities({ baseUrl: 'not a url' })).toThrow('airbyte: baseUrl "not a url" is not a URL');
});
