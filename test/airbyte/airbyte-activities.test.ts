/**
 * The Airbyte activities against the simulator over real HTTP (client
 * credentials on), in and out of an activity context. After each test every
 * request the client sent and every answer it read is checked against the
 * spec's schemas.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAirbyteActivities } from '../../activities/airbyte/airbyte';
import type { JobWaitProgress } from '../../activities/airbyte/airbyte-job-wait';
import type { AirbyteJobResult } from '../../activities/types';
import { startAirbyteSimulator, type AirbyteSimulator } from '../../local/airbyte/simulator';
import { applicationFailureOf as failureOf } from './application-failure';
import { ScriptedSync } from './scripted-sync';
import { specConformance } from './spec-conformance';

const PRIMARY = 'connection_mysql_s3_acode';
const BACKUP = 'connection_mysql_s3_acode_backup';
const CREDENTIALS = { clientId: 'orchestrator-app', clientSecret: 'app-secret-7f3a9c1e5b' };
const ENV = { AIRBYTE_CLIENT_ID: CREDENTIALS.clientId, AIRBYTE_CLIENT_SECRET: CREDENTIALS.clientSecret };

let sim: AirbyteSimulator;
let sync: ScriptedSync;
let airbyte: ReturnType<typeof createAirbyteActivities>;

const activityEnv = (info?: ConstructorParameters<typeof MockActivityEnvironment>[0]) =>
  new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
const sent = (endpoint: string) => sim.requests.filter((r) => r.path === `/api/v1/${endpoint}`);

beforeEach(async () => {
  sync = new ScriptedSync();
  sim = await startAirbyteSimulator({ runSync: sync.runSync, auth: { mode: 'client_credentials', ...CREDENTIALS } });
  airbyte = createAirbyteActivities({ baseUrl: sim.url, workspaceId: sim.registry.workspace.workspaceId, env: ENV });
});
afterEach(async () => {
  const conformance = specConformance(sim);
  await sim.close();
  expect(conformance.problems).toEqual([]);
});

test('trigger → running → succeeded: polls get_without_logs only, totals from aggregatedStats', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const env = activityEnv();
  const heartbeats: JobWaitProgress[] = [];
  env.on('heartbeat', (d: JobWaitProgress) => heartbeats.push(d));
  const waiting = env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 20, timeoutMs: 20_000 });
  const run = await sync.started(0);
  await new Promise<void>((resolve) => {
    const seen = () => heartbeats.some((h) => h.status === 'running') && resolve();
    env.on('heartbeat', seen);
    seen();
  });
  run.finish({ recordsSynced: 120_000, bytesSynced: 2_640_000 });
  await expect(waiting).resolves.toEqual({ jobId, status: 'succeeded', attempts: 1, rowsSynced: 120_000, bytesSynced: 2_640_000 });
  expect(heartbeats.at(-1)).toMatchObject({ jobId, status: 'succeeded', attempts: 1 });
  expect(sent('jobs/get_without_logs').length).toBeGreaterThan(1);
  expect(sent('jobs/get')).toEqual([]);
});

test('a first attempt that fails and a second that succeeds: one job, succeeded, totals of the attempt that counts', async () => {
  sim.failFirstAttemptOfNextJob('Destination S3: connection reset');
  sync.autoFinish = { recordsSynced: 3_000, bytesSynced: 90_000 };
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const statuses: string[] = [];
  const env = activityEnv();
  env.on('heartbeat', (d: JobWaitProgress) => statuses.push(d.status));
  const result = (await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 10, timeoutMs: 20_000 })) as AirbyteJobResult;
  expect(result).toEqual({ jobId, status: 'succeeded', attempts: 2, rowsSynced: 3_000, bytesSynced: 90_000 });
  expect(sim.jobs.list(sim.connectionId(PRIMARY))).toHaveLength(1);
});

test('a job whose attempts all fail → final airbyte_failure with the attempts\' reason', async () => {
  sim.failNextJob('Source MySQL: Communications link failure');
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const failure = await failureOf(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 10, timeoutMs: 20_000 }));
  expect(failure.type).toBe('airbyte_failure');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(`Airbyte job ${jobId} failed (3 attempt(s)): source: Source MySQL: Communications link failure`);
});

test('a job stuck in queued → the wait times out and cancels it', async () => {
  sim.queueNextJob();
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const failure = await failureOf(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 50, timeoutMs: 400 }));
  expect(failure.message).toMatch(new RegExp(`Airbyte job ${jobId} did not finish within 400 ms \\(last status queued .*; the job was cancelled$`));
  expect(sim.jobs.status(jobId)).toBe('cancelled');
});

test('a retried wait keeps the deadline carried in its heartbeat details', async () => {
  sim.hangNextJob();
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const env = activityEnv({ heartbeatDetails: { jobId, startedAtMs: Date.now() - 60_000, polls: 3 } });
  const failure = await failureOf(env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 10_000, timeoutMs: 30_000 }));
  expect(failure.message).toContain('did not finish within 30000 ms');
  expect(sim.jobs.status(jobId)).toBe('cancelled');
});

test('cancelling the activity cancels the Airbyte job and rethrows the cancellation', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const run = await sync.started(0);
  const env = activityEnv();
  env.once('heartbeat', () => env.cancel());
  const error = await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 5_000, timeoutMs: 60_000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CancelledFailure);
  expect(sim.jobs.status(jobId)).toBe('cancelled');
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
  const result = (await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 300, timeoutMs: 20_000 })) as AirbyteJobResult;
  expect(result.status).toBe('succeeded');
  const gaps = beats.slice(1).map((t, i) => t - beats[i]);
  expect(Math.max(...gaps)).toBeLessThan(200);
});

test('a stale cancel leaves the connection\'s newer job running; a current one is cancelled', async () => {
  sync.autoFinish = { recordsSynced: 1, bytesSynced: 1 };
  const old = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  await sim.waitForJobStatus(old.jobId, ['succeeded']);
  sync.autoFinish = undefined;
  const newer = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  await sync.started(1);
  await airbyte.cancelAirbyteJob({ jobId: old.jobId });
  expect(sim.jobs.status(newer.jobId)).toBe('running');
  expect(sent('jobs/cancel')).toEqual([]);
  await airbyte.cancelAirbyteJob({ jobId: newer.jobId });
  expect(sim.jobs.status(newer.jobId)).toBe('cancelled');
  expect(sent('jobs/cancel').map((r) => r.body)).toEqual([{ id: newer.jobId }]);
  // A job the server does not know answers 500: a few are waited out, then the wait fails naming the errorId.
  const lost = await failureOf(airbyte.waitForAirbyteJob({ jobId: 4242, pollIntervalMs: 10, timeoutMs: 20_000 }));
  expect(lost.message).toMatch(/answered HTTP 500 to POST \/api\/v1\/jobs\/get_without_logs: .*\(errorId [0-9a-f-]{36}\)$/);
  expect(sent('jobs/get_without_logs').filter((r) => (r.body as { id: number }).id === 4242)).toHaveLength(4);
  const unknown = await failureOf(airbyte.cancelAirbyteJob({ jobId: 4242 }));
  expect(unknown.message).toMatch(/answered HTTP 500 to POST \/api\/v1\/jobs\/get_light: no message .* \(errorId [0-9a-f-]{36}\)$/);
});

test('an API answering 502/503 for a while: the wait polls on and ends with the job', async () => {
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const run = await sync.started(0);
  const env = activityEnv();
  const beats: JobWaitProgress[] = [];
  env.on('heartbeat', (d: JobWaitProgress) => {
    beats.push(d);
    if (beats.length === 1) sim.setApiDown('bad_gateway', 3);
    if (d.outagePolls === 3) run.finish({ recordsSynced: 9, bytesSynced: 90 });
  });
  const result = (await env.run(airbyte.waitForAirbyteJob, { jobId, pollIntervalMs: 10, timeoutMs: 20_000 })) as AirbyteJobResult;
  expect(result).toMatchObject({ status: 'succeeded', rowsSynced: 9 });
  expect(beats.map((b) => b.outagePolls ?? 0)).toEqual(expect.arrayContaining([1, 2, 3]));

  sim.setApiDown('unavailable');
  await expect(airbyte.checkAirbyteHealth()).resolves.toEqual({ available: false });
  const answered503 = await failureOf(airbyte.triggerAirbyteSync({ connectionName: PRIMARY }));
  expect(answered503.nonRetryable).toBe(false);
  expect(answered503.message).toContain(`Airbyte API at ${sim.url} answered HTTP 503 to POST /api/v1/`);
  sim.setApiDown(false);
});

test('a sync only of an active connection: status checked first, each status with its own message; updates are patches', async () => {
  const refused = await failureOf(airbyte.triggerAirbyteSync({ connectionName: BACKUP }));
  expect(refused.nonRetryable).toBe(true);
  expect(refused.message).toBe(`Airbyte connection ${BACKUP} is inactive; activate it before triggering a sync`);
  expect(sent('connections/sync')).toEqual([]);

  await airbyte.setConnectionStatus({ connectionName: PRIMARY, status: 'inactive' });
  await airbyte.setConnectionStatus({ connectionName: BACKUP, status: 'active' });
  await airbyte.setConnectionStatus({ connectionName: BACKUP, status: 'active' });
  expect(sent('connections/update').map((r) => r.body)).toEqual([
    { connectionId: sim.connectionId(PRIMARY), status: 'inactive' },
    { connectionId: sim.connectionId(BACKUP), status: 'active' },
  ]);
  expect(sim.registry.catalogReplacements).toEqual([]);

  sim.registry.force(sim.connectionId(PRIMARY), 'locked', 'payment overdue');
  await expect(airbyte.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('locked');
  expect((await failureOf(airbyte.triggerAirbyteSync({ connectionName: PRIMARY }))).message).toBe(
    `Airbyte connection ${PRIMARY} is locked by Airbyte (payment overdue); it cannot sync or be changed until Airbyte unlocks it`,
  );
  expect((await failureOf(airbyte.setConnectionStatus({ connectionName: PRIMARY, status: 'active' }))).nonRetryable).toBe(true);
  sim.registry.force(sim.connectionId(BACKUP), 'deprecated');
  expect((await failureOf(airbyte.triggerAirbyteSync({ connectionName: BACKUP }))).message).toContain('is deprecated (deleted in Airbyte)');
  expect(sent('connections/sync')).toEqual([]);
});

test('a trigger while a sync runs adopts it (409), with no second job', async () => {
  const first = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const second = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  expect(second.jobId).toBe(first.jobId);
  expect(sent('connections/sync').map((r) => r.status)).toEqual([200, 409]);
  expect(sim.jobs.list(sim.connectionId(PRIMARY))).toHaveLength(1);
});

test('connection ids: configured ones need no look-up; names are looked up in the workspace; neither is a clear error', async () => {
  const configured = createAirbyteActivities({ baseUrl: sim.url, connections: { [PRIMARY]: sim.connectionId(PRIMARY) }, env: ENV });
  await expect(configured.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('active');
  expect(sent('connections/list')).toEqual([]);
  const none = await failureOf(configured.getConnectionStatus({ connectionName: BACKUP }));
  expect(none.nonRetryable).toBe(true);
  expect(none.message).toBe(`airbyte: no id configured for connection ${BACKUP} and no workspace to look it up in; set AIRBYTE_CONNECTION_IDS (${BACKUP}=<uuid>) or AIRBYTE_WORKSPACE_ID`);

  await expect(airbyte.getConnectionStatus({ connectionName: BACKUP })).resolves.toBe('inactive');
  expect(sent('connections/list').map((r) => r.body)).toEqual([{ workspaceId: sim.registry.workspace.workspaceId }]);
  expect(sent('workspaces/list')).toEqual([]);
  const unknown = await failureOf(airbyte.triggerAirbyteSync({ connectionName: 'connection_nope' }));
  expect(unknown.message).toBe(`airbyte: no connection named connection_nope in workspace ${sim.registry.workspace.workspaceId} at ${sim.url}`);

  const badWait = await failureOf(airbyte.waitForAirbyteJob({ jobId: 1, pollIntervalMs: 0, timeoutMs: 10 }));
  expect(badWait.type).toBe('invalid_input');
  expect(() => createAirbyteActivities({ baseUrl: 'not a url' })).toThrow('airbyte: baseUrl "not a url" is not a URL');
});

test('an unreachable server: health false, calls fail retryable naming the endpoint', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const nowhere = createAirbyteActivities({ baseUrl: `http://127.0.0.1:${port}`, connections: { [PRIMARY]: sim.connectionId(PRIMARY) } });
  await expect(nowhere.checkAirbyteHealth()).resolves.toEqual({ available: false });
  const refused = await failureOf(nowhere.triggerAirbyteSync({ connectionName: PRIMARY }));
  expect(refused.nonRetryable).toBe(false);
  expect(refused.message).toMatch(new RegExp(`^Airbyte API unreachable at http://127.0.0.1:${port} \\(POST /api/v1/connections/get\\): .*ECONNREFUSED`));
});
