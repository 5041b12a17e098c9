/** The Airbyte simulator over real HTTP: Config API shapes, job lifecycle, errors and faults. */
import { startAirbyteSimulator, type AirbyteSimulator } from '../../local/airbyte/simulator';
import { ScriptedSync } from './scripted-sync';

const UUID = /^[0-9a-f-]{36}$/;
let sim: AirbyteSimulator;
let sync: ScriptedSync;

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeEach(async () => {
  sync = new ScriptedSync();
  sim = await startAirbyteSimulator({ runSync: sync.runSync });
});
afterEach(async () => {
  await sim.close();
});

test('health, workspaces and connections answer with the Config API shapes', async () => {
  const health = await fetch(`${sim.url}/api/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ available: true });

  const { json: ws } = await post('/api/v1/workspaces/list', {});
  expect(ws.workspaces).toHaveLength(1);
  expect(ws.workspaces[0].workspaceId).toMatch(UUID);

  const { status, json } = await post('/api/v1/connections/list', { workspaceId: ws.workspaces[0].workspaceId });
  expect(status).toBe(200);
  const byName = Object.fromEntries(json.connections.map((c: any) => [c.name, c]));
  expect(Object.keys(byName).sort()).toEqual(['connection_mysql_s3_acode', 'connection_mysql_s3_acode_backup', 'connection_mysql_s3_radar']);
  const acode = byName.connection_mysql_s3_acode;
  expect(acode).toMatchObject({ status: 'active', scheduleType: 'manual', namespaceDefinition: 'source' });
  expect(acode.connectionId).toMatch(UUID);
  expect(acode.sourceId).toMatch(UUID);
  expect(acode.syncCatalog.streams.map((s: any) => s.stream.name)).toContain('farmarcas_si_analitico_diario');
  expect(acode.syncCatalog.streams[0].config).toMatchObject({ syncMode: 'full_refresh', destinationSyncMode: 'append' });
  expect(byName.connection_mysql_s3_acode_backup.status).toBe('inactive');

  const { json: got } = await post('/api/v1/connections/get', { connectionId: acode.connectionId });
  expect(got).toEqual(acode);
});

test('unknown ids answer 404, invalid input 422, with Airbyte error bodies', async () => {
  const missing = await post('/api/v1/connections/get', { connectionId: '00000000-0000-0000-0000-000000000000' });
  expect(missing.status).toBe(404);
  expect(missing.json).toMatchObject({ id: '00000000-0000-0000-0000-000000000000', exceptionClassName: expect.stringContaining('NotFound') });
  expect(missing.json.message).toContain('00000000-0000-0000-0000-000000000000');

  const notUuid = await post('/api/v1/connections/sync', { connectionId: 'connection_mysql_s3_acode' });
  expect(notUuid.status).toBe(422);
  expect(notUuid.json.validationErrors[0]).toMatchObject({ propertyPath: 'syncConnection.connectionId', message: 'must be a UUID' });

  const noId = await post('/api/v1/jobs/get', {});
  expect(noId.status).toBe(422);
  expect(noId.json.validationErrors[0].message).toBe('must not be null');

  const badJson = await post('/api/v1/jobs/get', '{"id": ');
  expect(badJson.status).toBe(422);
  expect(badJson.json.message).toMatch(/^Invalid json/);

  expect((await post('/api/v1/jobs/get', { id: 999 })).status).toBe(404);
  const badStatus = await post('/api/v1/connections/update', { connectionId: sim.connectionId('connection_mysql_s3_radar'), status: 'paused' });
  expect(badStatus.status).toBe(422);
});

test('a sync job follows its run: pending → running → succeeded with the run\'s stats', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_acode');
  const { status, json } = await post('/api/v1/connections/sync', { connectionId });
  expect(status).toBe(200);
  expect(json.job).toMatchObject({ configType: 'sync', configId: connectionId, status: 'pending' });
  expect(typeof json.job.createdAt).toBe('number');
  const jobId: number = json.job.id;

  const run = await sync.started(0);
  expect(run.connection).toEqual({ name: 'connection_mysql_s3_acode', system: 'acode', role: 'primary' });
  expect((await post('/api/v1/jobs/get', { id: jobId })).json.job.status).toBe('running');

  const again = await post('/api/v1/connections/sync', { connectionId });
  expect(again.status).toBe(409);
  expect(again.json.message).toContain('already running');

  run.finish({ recordsSynced: 1500, bytesSynced: 4096 });
  await sim.waitForJobStatus(jobId, ['succeeded']);
  const done = (await post('/api/v1/jobs/get', { id: jobId })).json;
  expect(done.job.status).toBe('succeeded');
  expect(done.attempts[0].attempt).toMatchObject({ status: 'succeeded', recordsSynced: 1500, bytesSynced: 4096 });
  expect(done.attempts[0].attempt.totalStats.recordsCommitted).toBe(1500);

  const list = (await post('/api/v1/jobs/list', { configTypes: ['sync'], configId: connectionId })).json;
  expect(list.jobs.map((j: any) => j.job.id)).toEqual([jobId]);
});

test('an inactive connection cannot sync (409) until it is activated', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_acode_backup');
  const refused = await post('/api/v1/connections/sync', { connectionId });
  expect(refused.status).toBe(409);
  expect(refused.json.message).toContain('inactive');
  expect(sync.runs).toHaveLength(0);

  const updated = await post('/api/v1/connections/update', { connectionId, status: 'active' });
  expect(updated.json.status).toBe('active');
  sync.autoFinish = { recordsSynced: 3, bytesSynced: 30 };
  const accepted = await post('/api/v1/connections/sync', { connectionId });
  expect(accepted.status).toBe(200);
  await sim.waitForJobStatus(accepted.json.job.id, ['succeeded']);
  expect(sync.runs[0].connection.role).toBe('backup');
});

test('jobs/cancel aborts the run and the job ends cancelled', async () => {
  const { json } = await post('/api/v1/connections/sync', { connectionId: sim.connectionId('connection_mysql_s3_radar') });
  const run = await sync.started(0);
  const cancelled = await post('/api/v1/jobs/cancel', { id: json.job.id });
  expect(cancelled.status).toBe(200);
  expect(cancelled.json.job.status).toBe('cancelled');
  expect(run.signal.aborted).toBe(true);
  expect(cancelled.json.attempts[0].attempt.failureSummary.failures[0].failureType).toBe('manual_cancellation');
});

test('faults: the next job fails, a failing run fails its job, the API goes down and comes back', async () => {
  const connectionId = sim.connectionId('connection_mysql_s3_radar');
  expect((await post('/_sim/faults', { failNextJob: 'Source MySQL: Access denied' })).status).toBe(200);
  const first = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  const failed = await sim.waitForJobStatus(first, ['failed']);
  expect(failed.attempts[0].attempt.failureSummary!.failures[0].externalMessage).toBe('Source MySQL: Access denied');
  expect(sync.runs).toHaveLength(0);

  const second = (await post('/api/v1/connections/sync', { connectionId })).json.job.id;
  (await sync.started(0)).fail(new Error('S3 upload refused\nstack line'));
  const failedRun = await sim.waitForJobStatus(second, ['failed']);
  expect(failedRun.attempts[0].attempt.failureSummary!.failures[0].externalMessage).toBe('S3 upload refused');

  await post('/_sim/faults', { apiDown: 'unavailable' });
  expect((await fetch(`${sim.url}/api/v1/health`)).status).toBe(503);
  await post('/_sim/faults', { apiDown: 'reset' });
  await expect(fetch(`${sim.url}/api/v1/health`)).rejects.toThrow();
  await post('/_sim/faults', { clear: true });
  expect((await fetch(`${sim.url}/api/v1/health`)).status).toBe(200);
});
