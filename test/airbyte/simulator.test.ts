/**
 * The Airbyte simulator over real HTTP, against what the server does
 * (airbyte-platform: SchedulerHandler, ConnectionsHandler, JobHistoryHandler,
 * StatsAggregationHelper, the exception handlers, ApplicationsController), every
 * success answer checked with the spec's response schemas.
 */
import { AccessToken, ConnectionRead, ConnectionReadList, JobInfoLightRead, JobInfoRead, JobReadList } from '../../activities/airbyte/config-api-responses';
import { FAILED_ATTEMPT_EMITTED } from '../../local/airbyte/jobs';
import { startAirbyteSimulator, type AirbyteSimulator, type SimulatedAuthConfig } from '../../local/airbyte/simulator';
import { ScriptedSync } from './scripted-sync';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let sim: AirbyteSimulator;
let sync: ScriptedSync;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

async function restart(auth: SimulatedAuthConfig, strictJson = true): Promise<void> {
  await sim.close();
  sim = await startAirbyteSimulator({ runSync: sync.runSync, auth, strictJson });
}

const onlyErrorId = (json: any) => expect(Object.keys(json)).toEqual(['errorId']);

beforeEach(async () => {
  sync = new ScriptedSync();
  sim = await startAirbyteSimulator({ runSync: sync.runSync });
});
afterEach(async () => {
  await sim.close();
});

test('health; workspaces/list is gone; connections/list of the workspace answers ConnectionReadList with breakingChange', async () => {
  const health = await fetch(`${sim.url}/api/v1/health`);
  expect(await health.json()).toEqual({ available: true });
  expect((await post('/api/v1/workspaces/list', {})).status).toBe(404);

  const { status, json } = await post('/api/v1/connections/list', { workspaceId: sim.registry.workspace.workspaceId });
  expect(status).toBe(200);
  const list = ConnectionReadList.parse(json);
  expect(list.connections.map((c) => c.name).sort()).toEqual(['connection_mysql_s3_acode', 'connection_mysql_s3_acode_backup', 'connection_mysql_s3_radar']);
  expect(json.connections[0]).toMatchObject({ breakingChange: false, scheduleType: 'manual', workspaceId: sim.registry.workspace.workspaceId });
  expect(list.connections[0].connectionId).toMatch(UUID);

  // An unknown workspace has no connections (no 404); a deleted (deprecated) connection is left out.
  expect((await post('/api/v1/connections/list', { workspaceId: '6a1d3b7e-0000-4000-8000-000000000000' })).json).toEqual({ connections: [] });
  sim.registry.force(sim.connectionId('connection_mysql_s3_radar'), 'deprecated');
  const after = (await post('/api/v1/connections/list', { workspaceId: sim.registry.workspace.workspaceId })).json;
  expect(after.connections.map((c: any) => c.name)).not.toContain('connection_mysql_s3_radar');
});

test('syncing an inactive connection answers 500 with only an errorId; a running one 409 with message and errorId', async () => {
  const backup = sim.connectionId('connection_mysql_s3_acode_backup');
  const refused = await post('/api/v1/connections/sync', { connectionId: backup });
  expect(refused.status).toBe(500);
  onlyErrorId(refused.json);
  expect(sim.serverLog.find((l) => l.errorId === refused.json.errorId)?.detail).toBe('Can only sync an active connection');
  expect(sync.runs).toHaveLength(0);

  const primary = sim.connectionId('connection_mysql_s3_acode');
  const first = await post('/api/v1/connections/sync', { connectionId: primary });
  expect(first.status).toBe(200);
  expect(JobInfoRead.parse(first.json).job.status).toBe('pending');
  const again = await post('/api/v1/connections/sync', { connectionId: primary });
  expect(again.status).toBe(409);
  expect(again.json.message).toBe(`A sync is already running for: ${primary}`);
  expect(again.json.errorId).toMatch(UUID);
});

test('connections/update is a patch; the whole ConnectionRead back is refused; schedule is refused; a locked connection is a 409 problem', async () => {
  const id = sim.connectionId('connection_mysql_s3_acode_backup');
  const before = sim.registry.get(id);
  const patched = await post('/api/v1/connections/update', { connectionId: id, status: 'active' });
  expect(patched.status).toBe(200);
  expect(ConnectionRead.parse(patched.json)).toEqual({ ...before, status: 'active' });
  expect(sim.registry.catalogReplacements).toEqual([]);

  // Read-only fields (sourceId, destinationId, workspaceId, created_at…) under strict deserialization: 422.
  const whole = await post('/api/v1/connections/update', { ...before, status: 'inactive' });
  expect(whole.status).toBe(422);
  onlyErrorId(whole.json);
  expect(sim.serverLog.at(-1)?.detail).toMatch(/Unrecognized field\(s\) .*"sourceId"/);

  const schedule = await post('/api/v1/connections/update', { connectionId: id, schedule: { units: 24, timeUnit: 'hours' } });
  expect(schedule.status).toBe(500);
  onlyErrorId(schedule.json);
  expect(sim.serverLog.at(-1)?.detail).toContain("'schedule' is no longer supported");

  // Without strict deserialization the whole object gets through: its catalog replaces the catalog.
  await restart({ mode: 'none' }, false);
  const lenientId = sim.connectionId('connection_mysql_s3_acode');
  const { schedule: _none, ...read } = sim.registry.get(lenientId) as any;
  expect((await post('/api/v1/connections/update', { ...read, status: 'inactive' })).status).toBe(200);
  expect(sim.registry.catalogReplacements).toEqual([lenientId]);

  sim.registry.force(lenientId, 'locked', 'payment overdue');
  const locked = await post('/api/v1/connections/update', { connectionId: lenientId, status: 'active' });
  expect(locked.status).toBe(409);
  expect(locked.json).toMatchObject({ status: 409, type: 'error:connection/locked', title: 'Connection is locked', data: { connectionId: lenientId, statusReason: 'payment overdue' } });
});

test('a first attempt that fails: running → incomplete → running → succeeded, one job, aggregatedStats of the attempt that counts', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_radar');
  sim.failFirstAttemptOfNextJob('Destination S3: connection reset');
  const seen: string[] = [];
  const off = sim.jobs.onChange(() => seen.push(sim.jobs.list(connectionId)[0].job.status));
  const { json } = await post('/api/v1/connections/sync', { connectionId });
  const jobId = json.job.id;
  const run = await sync.started(0);
  run.finish({ recordsSynced: 1500, bytesSynced: 4096 });
  await sim.waitForJobStatus(jobId, ['succeeded']);
  off();
  expect(seen).toEqual(['running', 'incomplete', 'running', 'succeeded']);

  const light = await post('/api/v1/jobs/get_without_logs', { id: jobId });
  const info = JobInfoRead.parse(light.json);
  expect(info.attempts.map((a) => a.attempt.status)).toEqual(['failed', 'succeeded']);
  expect(info.attempts.every((a) => a.logs === undefined)).toBe(true);
  expect(info.attempts[0].attempt.totalStats).toMatchObject(FAILED_ATTEMPT_EMITTED);
  expect(info.job.aggregatedStats).toEqual({ recordsEmitted: 1500, bytesEmitted: 4096, recordsCommitted: 1500, bytesCommitted: 4096, recordsRejected: 0 });
  // recordsSynced/bytesSynced are no longer set by the server.
  expect(info.attempts.some((a) => 'recordsSynced' in a.attempt || 'bytesSynced' in a.attempt)).toBe(false);

  const full = JobInfoRead.parse((await post('/api/v1/jobs/get', { id: jobId })).json);
  expect(full.job.aggregatedStats).toBeUndefined();
  expect(full.attempts[0].logs).toMatchObject({ events: expect.arrayContaining([expect.objectContaining({ message: 'replication failed: Destination S3: connection reset', level: 'error' })]) });
  expect(JobInfoLightRead.parse((await post('/api/v1/jobs/get_light', { id: jobId })).json).job.status).toBe('succeeded');

  const list = JobReadList.parse((await post('/api/v1/jobs/list', { configTypes: ['sync'], configId: connectionId })).json);
  expect(list.jobs.map((j) => j.job?.id)).toEqual([jobId]);
  expect((await post('/api/v1/jobs/list', { configTypes: [], configId: connectionId })).status).toBe(500);
});

test('a queued job stays queued until released; jobs/cancel cancels the connection\'s current job, whatever id it is given', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_acode');
  sync.autoFinish = { recordsSynced: 5, bytesSynced: 50 };
  const first = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  await sim.waitForJobStatus(first, ['succeeded']);

  sim.queueNextJob();
  const second = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  await sim.waitForJobStatus(second, ['queued']);
  expect(sim.releaseJob(second)).toBe(true);
  await sim.waitForJobStatus(second, ['succeeded']);

  sim.hangNextJob();
  const third = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  await sim.waitForJobStatus(third, ['running']);
  const stale = await post('/api/v1/jobs/cancel', { id: first });
  expect(stale.status).toBe(200);
  expect(JobInfoRead.parse(stale.json).job).toMatchObject({ id: first, status: 'succeeded' });
  expect(sim.jobs.status(third)).toBe('cancelled');
  expect(sim.jobs.info(third).attempts[0].attempt.failureSummary?.failures[0].failureType).toBe('manual_cancellation');

  const unknown = await post('/api/v1/jobs/get_without_logs', { id: 4242 });
  expect(unknown.status).toBe(500);
  expect(sim.serverLog.at(-1)?.detail).toBe('Could not find job with id: 4242');
});

test('bodies are read as Jackson and bean validation read them', async () => {
  const missing = await post('/api/v1/connections/get', {});
  expect(missing.status).toBe(400);
  onlyErrorId(missing.json);
  expect((await post('/api/v1/connections/get', { connectionId: 'not-a-uuid' })).status).toBe(422);
  expect((await post('/api/v1/connections/get', '{"connectionId":')).status).toBe(422);
  expect((await post('/api/v1/connections/get', { connectionId: sim.connectionId('connection_mysql_s3_acode'), extra: 1 })).status).toBe(422);
  expect((await post('/api/v1/jobs/list', { configTypes: ['sync'], extra: 1 })).status).toBe(200); // jobs/* is lenient
  const unknownConnection = await post('/api/v1/connections/get', { connectionId: '6a1d3b7e-0000-4000-8000-000000000000' });
  expect(unknownConnection.status).toBe(404);
  onlyErrorId(unknownConnection.json);
  expect((await post('/api/v1/connections/get', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
});

test('client credentials: 401 with no body without a token, 400 for wrong credentials, expiring JWTs', async () => {
  await restart({ mode: 'client_credentials', clientId: 'app-1', clientSecret: 'app-secret-value', tokenLifetimeSeconds: 600 });
  const body = { workspaceId: sim.registry.workspace.workspaceId };
  const anonymous = await post('/api/v1/connections/list', body);
  expect(anonymous.status).toBe(401);
  expect(anonymous.text).toBe('');
  expect((await fetch(`${sim.url}/api/v1/health`)).status).toBe(200);

  const wrong = await post('/api/v1/applications/token', { client_id: 'app-1', client_secret: 'nope' });
  expect(wrong.status).toBe(400);
  expect(wrong.json._embedded.errors[0].message).toBe('Invalid client id or token');

  const granted = await post('/api/v1/applications/token', { client_id: 'app-1', client_secret: 'app-secret-value' });
  const { access_token } = AccessToken.parse(granted.json);
  const claims = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString());
  expect(claims.exp - claims.iat).toBe(600);
  const bearer = { authorization: `Bearer ${access_token}` };
  expect((await post('/api/v1/connections/list', body, bearer)).status).toBe(200);
  expect((await post('/api/v1/connections/list', body, { authorization: `Bearer ${access_token}x` })).status).toBe(401);
  sim.expireTokens();
  expect((await post('/api/v1/connections/list', body, bearer)).status).toBe(401);
  expect(sim.requests.some((r) => JSON.stringify(r).includes(access_token))).toBe(false);
});

test('basic auth (a proxy in front of an older server): 401 page asking for it', async () => {
  await restart({ mode: 'basic', username: 'airbyte', password: 'proxy-password' });
  const body = { workspaceId: sim.registry.workspace.workspaceId };
  const refused = await post('/api/v1/connections/list', body);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe('Basic realm="Airbyte"');
  const basic = { authorization: `Basic ${Buffer.from('airbyte:proxy-password').toString('base64')}` };
  expect((await post('/api/v1/connections/list', body, basic)).status).toBe(200);
});

test('faults over HTTP: 502 for two requests then back; reset; a failing job fails after its attempts', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_radar');
  expect((await post('/_sim/faults', { apiDown: 'bad_gateway', apiDownRequests: 2 })).status).toBe(200);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push((await fetch(`${sim.url}/api/v1/health`)).status);
  expect(answers).toEqual([502, 502, 200]);

  await post('/_sim/faults', { apiDown: 'reset' });
  await expect(fetch(`${sim.url}/api/v1/health`)).rejects.toThrow();
  await post('/_sim/faults', { clear: true, failNextJob: 'Source MySQL: Access denied' });
  const jobId = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  const failed = await sim.waitForJobStatus(jobId, ['failed']);
  expect(failed.attempts.map((a) => a.attempt.status)).toEqual(['failed', 'failed', 'failed']);
  expect(failed.attempts[2].attempt.failureSummary?.failures[0].externalMessage).toBe('Source MySQL: Access denied');
  expect(sync.runs).toHaveLength(0);
});
