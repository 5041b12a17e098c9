/**
 * Authentication and error reporting of the Airbyte client against the
 * simulator over HTTP: client-credential tokens fetched once, refreshed before
 * they expire and again after a 401; basic auth; HTTP errors reported with the
 * endpoint, status, Airbyte's message and errorId, never a secret or a token.
 */
import { createAirbyteActivities } from '../../activities/airbyte/airbyte';
import { createAirbyteClient } from '../../activities/airbyte/airbyte-client';
import { airbyteCredentials } from '../../config/env';
import { startAirbyteSimulator, type AirbyteSimulator, type SimulatedAuthConfig } from '../../local/airbyte/simulator';
import { applicationFailureOf } from './application-failure';
import { ScriptedSync } from './scripted-sync';
import { specConformance } from './spec-conformance';

const PRIMARY = 'connection_mysql_s3_acode';
const APP = { clientId: 'orchestrator-app', clientSecret: 'app-secret-2b8d4f6a0c' };
let sim: AirbyteSimulator | undefined;

async function simulator(auth: SimulatedAuthConfig): Promise<AirbyteSimulator> {
  sim = await startAirbyteSimulator({ runSync: new ScriptedSync().runSync, auth });
  return sim;
}
const clientEnv = (clientSecret = APP.clientSecret) => ({ AIRBYTE_CLIENT_ID: APP.clientId, AIRBYTE_CLIENT_SECRET: clientSecret });
const noSecretIn = (text: string, s: AirbyteSimulator) => {
  for (const secret of [APP.clientSecret, ...s.auth.issued]) expect(text).not.toContain(secret);
};

afterEach(async () => {
  if (!sim) return;
  const conformance = specConformance(sim);
  await sim.close();
  sim = undefined;
  expect(conformance.problems).toEqual([]);
});

test('one token for many calls; an expired token is answered 401, fetched again once, and the call goes through', async () => {
  const s = await simulator({ mode: 'client_credentials', ...APP });
  const airbyte = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: clientEnv() });
  for (let i = 0; i < 3; i++) await expect(airbyte.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('active');
  expect(s.auth.issued).toHaveLength(1);
  expect(s.requests.filter((r) => r.path === '/api/v1/applications/token').map((r) => r.body)).toEqual([{ client_id: APP.clientId, client_secret: '[secret]' }]);

  s.expireTokens();
  await expect(airbyte.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('active');
  expect(s.auth.refusals).toEqual(['/api/v1/connections/get']);
  expect(s.auth.issued).toHaveLength(2);
});

test('a token is replaced before it expires, without a 401', async () => {
  const s = await simulator({ mode: 'client_credentials', ...APP, tokenLifetimeSeconds: 600 });
  let clock = Date.now();
  const client = createAirbyteClient({ baseUrl: s.url, credentials: airbyteCredentials(clientEnv()), now: () => clock });
  const body = { workspaceId: s.registry.workspace.workspaceId };
  await client.call('connections/list', body);
  clock += 530_000; // 70 s before exp: still good
  await client.call('connections/list', body);
  expect(s.auth.issued).toHaveLength(1);
  clock += 20_000; // 50 s before exp: inside the refresh margin
  await client.call('connections/list', body);
  expect(s.auth.issued).toHaveLength(2);
  expect(s.auth.refusals).toEqual([]);
});

test('wrong client credentials: final failure naming the token endpoint and Airbyte\'s message, not the secret', async () => {
  const s = await simulator({ mode: 'client_credentials', ...APP });
  const airbyte = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: clientEnv('wrong-secret-9e1c') });
  const failure = await applicationFailureOf(airbyte.getConnectionStatus({ connectionName: PRIMARY }));
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(
    `Airbyte API at ${s.url} answered HTTP 400 to POST /api/v1/applications/token: Bad Request; Invalid client id or token (the client credentials of AIRBYTE_CLIENT_ID were refused)`,
  );
  expect(failure.message).not.toContain('wrong-secret-9e1c');
});

test('a token refused even fresh: one refetch, then a final 401 naming the cause', async () => {
  const s = await simulator({ mode: 'client_credentials', ...APP, tokenLifetimeSeconds: 0 });
  const airbyte = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: clientEnv() });
  const failure = await applicationFailureOf(airbyte.getConnectionStatus({ connectionName: PRIMARY }));
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(`Airbyte API at ${s.url} answered HTTP 401 to POST /api/v1/connections/list with a fresh access token (the access token was refused): (empty body)`);
  expect(s.auth.issued).toHaveLength(2);
  noSecretIn(failure.message, s);

  const anonymous = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: {} });
  const refused = await applicationFailureOf(anonymous.getConnectionStatus({ connectionName: PRIMARY }));
  expect(refused.message).toContain('answered HTTP 401 to POST /api/v1/connections/list (no credentials are configured (AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET or AIRBYTE_USERNAME/AIRBYTE_PASSWORD))');
});

test('basic auth: accepted with the right password; a wrong one fails for good without the password', async () => {
  const s = await simulator({ mode: 'basic', username: 'airbyte', password: 'proxy-pass-31d7' });
  const ok = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: { AIRBYTE_USERNAME: 'airbyte', AIRBYTE_PASSWORD: 'proxy-pass-31d7' } });
  await expect(ok.getConnectionStatus({ connectionName: PRIMARY })).resolves.toBe('active');
  const wrong = createAirbyteActivities({ baseUrl: s.url, workspaceId: s.registry.workspace.workspaceId, env: { AIRBYTE_USERNAME: 'airbyte', AIRBYTE_PASSWORD: 'not-it-4c2e' } });
  const failure = await applicationFailureOf(wrong.getConnectionStatus({ connectionName: PRIMARY }));
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(
    `Airbyte API at ${s.url} answered HTTP 401 to POST /api/v1/connections/list (the AIRBYTE_USERNAME/AIRBYTE_PASSWORD was refused): <html> <head><title>401 Authorization Required</title></head> <body> <center><h1>401 Authorization Required</h1></center> <hr><center>nginx</center> </body> </html>`,
  );
  expect(failure.message).not.toContain('not-it-4c2e');
  expect(failure.message).not.toContain(Buffer.from('airbyte:not-it-4c2e').toString('base64'));
});

test('HTTP errors carry the endpoint, the status, Airbyte\'s message or its errorId; a body off the spec is never sent', async () => {
  const s = await simulator({ mode: 'none' });
  const client = createAirbyteClient({ baseUrl: s.url });
  const backup = s.connectionId('connection_mysql_s3_acode_backup');
  const inactive = await applicationFailureOf(client.call('connections/sync', { connectionId: backup }));
  const errorId = s.serverLog.at(-1)?.errorId;
  expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
  expect(inactive.message).toBe(
    `Airbyte API at ${s.url} answered HTTP 500 to POST /api/v1/connections/sync: no message (the detail is in the server log under the errorId) (errorId ${errorId})`,
  );
  expect(inactive.nonRetryable).toBe(false);
  expect(inactive.details).toEqual([{ endpoint: 'connections/sync', httpStatus: 500, errorId }]);

  await client.call('connections/sync', { connectionId: s.connectionId(PRIMARY) });
  const running = await applicationFailureOf(client.call('connections/sync', { connectionId: s.connectionId(PRIMARY) }));
  expect(running.message).toMatch(new RegExp(`answered HTTP 409 to POST /api/v1/connections/sync: A sync is already running for: ${s.connectionId(PRIMARY)} \\(errorId [0-9a-f-]{36}\\)$`));
  expect(running.nonRetryable).toBe(true);

  const before = s.requests.length;
  const offSpec = await applicationFailureOf(client.call('connections/update', { connectionId: backup, sourceId: backup } as never));
  expect(offSpec.message).toMatch(/^airbyte: the body for POST \/api\/v1\/connections\/update is outside the spec at \(root\): Unrecognized key.*sourceId/);
  expect(s.requests.length).toBe(before);
});

test('credentials from the environment: one pair, both halves', () => {
  expect(airbyteCredentials({})).toEqual({ kind: 'none' });
  expect(airbyteCredentials(clientEnv())).toEqual({ kind: 'client_credentials', ...APP });
  expect(() => airbyteCredentials({ AIRBYTE_CLIENT_ID: 'x' })).toThrow('invalid configuration: AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET: set both or neither');
  expect(() => airbyteCredentials({ ...clientEnv(), AIRBYTE_USERNAME: 'a', AIRBYTE_PASSWORD: 'b' })).toThrow('set one pair, not both');
  expect(() => airbyteCredentials({ AIRBYTE_PASSWORD: 'b' })).toThrow('AIRBYTE_USERNAME and AIRBYTE_PASSWORD: set both or neither');
  for (const bad of [{ AIRBYTE_CLIENT_ID: 'x' }, { AIRBYTE_PASSWORD: 'p4ss-word' }]) {
    try {
      airbyteCredentials(bad);
    } catch (error) {
      expect((error as Error).message).not.toContain('p4ss-word');
    }
  }
});

test.each(['structured', 'formatted'] as const)('a failed job without a failure summary: its message read from the %s logs, fetched once', async (logFormat) => {
  sim = await startAirbyteSimulator({ runSync: new ScriptedSync().runSync, logFormat });
  const airbyte = createAirbyteActivities({ baseUrl: sim.url, workspaceId: sim.registry.workspace.workspaceId });
  sim.failNextJob('Destination S3: Access Denied', { withoutSummary: true });
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: PRIMARY });
  const failure = await applicationFailureOf(airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 10, timeoutMs: 20_000 }));
  expect(failure.message).toBe(`Airbyte job ${jobId} failed (3 attempt(s)): no failure summary; last log line: replication failed: Destination S3: Access Denied`);
  expect(sim.requests.filter((r) => r.path === '/api/v1/jobs/get').map((r) => r.body)).toEqual([{ id: jobId }]);
});
