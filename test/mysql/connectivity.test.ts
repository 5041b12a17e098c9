import net from 'node:net';
import { createMysqlActivities } from '../../activities/mysql/mysql';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import type { SourceEndpoints } from '../../config/sources';
import { findFreePort } from '../../local/mariadb/free-port';
import { LOCAL_PASSWORDS } from '../../local/mariadb/credentials';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';

let env: MariaDbEnv;
let silentServer: net.Server;
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  env = await startMariaDbEnv({ fiscalRows: 100, radar: false });
  // A server that accepts TCP connections and never sends the MySQL handshake: a hung host.
  silentServer = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise((resolve) => silentServer?.close(resolve));
  await env?.close();
});

const acodePrimary = { system: 'acode', role: 'primary' } as const;

function activitiesFor(endpoints: SourceEndpoints, environment: NodeJS.ProcessEnv = process.env) {
  const sources = createMysqlSources(endpoints, environment);
  return { sources, mysql: createMysqlActivities({ sources }) };
}

test('primary and backup answer the connectivity check', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  const primary = await mysql.checkSourceConnectivity(acodePrimary);
  const backup = await mysql.checkSourceConnectivity({ system: 'acode', role: 'backup' });
  const radar = await mysql.checkSourceConnectivity({ system: 'radar', role: 'primary' });
  expect([primary.ok, backup.ok, radar.ok]).toEqual([true, true, true]);
  expect(primary.latencyMs).toBeGreaterThanOrEqual(0);
});

test('a killed primary is primary_db_down, and ok again after restart', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await env.pair.stopPrimary();
  const down = await mysql.checkSourceConnectivity({ ...acodePrimary, timeoutMs: 5_000 });
  expect(down).toMatchObject({ ok: false, failureType: 'primary_db_down' });
  expect(down.error).toContain('acode/primary');
  expect(down.error).not.toContain('\n');
  // The pooled activities fail with the same type.
  await expect(mysql.countSourceRows({ ...acodePrimary, table: 'farmarcas_si_analitico_diario' })).rejects.toMatchObject({
    type: 'primary_db_down',
    nonRetryable: false,
  });
  await env.pair.startPrimary();
  const up = await mysql.checkSourceConnectivity({ ...acodePrimary, timeoutMs: 5_000 });
  expect(up.ok).toBe(true);
  expect(await mysql.countSourceRows({ ...acodePrimary, table: 'farmarcas_si_analitico_diario' })).toBe(100);
});

test('a wrong password is authentication_failed, non-retryable, and the message holds no password', async () => {
  const wrong = 'not-the-password-123';
  const { sources, mysql } = activitiesFor(env.endpoints, { ...process.env, ACODE_PASS: wrong });
  try {
    const result = await mysql.checkSourceConnectivity(acodePrimary);
    expect(result).toMatchObject({ ok: false, failureType: 'authentication_failed' });
    expect(result.error).not.toContain(wrong);
    const failure = await mysql.countSourceRows({ ...acodePrimary, table: 'farmarcas_si_analitico_diario' }).catch((e) => e);
    expect(failure).toMatchObject({ type: 'authentication_failed', nonRetryable: true });
    expect(failure.message).toMatch(/^acode\/primary \(127\.0\.0\.1:\d+\/acode_farmarcas\): /);
    expect(failure.message).not.toContain(wrong);
    expect(failure.message).not.toContain(LOCAL_PASSWORDS.ACODE_PASS);
  } finally {
    await sources.close();
  }
});

test('a closed port is primary_db_down', async () => {
  const port = await findFreePort();
  const { sources, mysql } = activitiesFor({ acode: { primary: { ...env.endpoints.acode!.primary!, port } } });
  try {
    expect(await mysql.checkSourceConnectivity({ ...acodePrimary, timeoutMs: 3_000 })).toMatchObject({ ok: false, failureType: 'primary_db_down' });
  } finally {
    await sources.close();
  }
});

test('a host that never answers is connection_timeout within the timeout', async () => {
  const address = silentServer.address() as net.AddressInfo;
  const { sources, mysql } = activitiesFor({ acode: { primary: { ...env.endpoints.acode!.primary!, port: address.port } } });
  try {
    const started = Date.now();
    const result = await mysql.checkSourceConnectivity({ ...acodePrimary, timeoutMs: 400 });
    expect(result).toMatchObject({ ok: false, failureType: 'connection_timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    await sources.close();
  }
});

test('an unknown host name is network_partition', async () => {
  const { sources, mysql } = activitiesFor({ acode: { primary: { ...env.endpoints.acode!.primary!, host: 'acode-primary.invalid' } } });
  try {
    const result = await mysql.checkSourceConnectivity({ ...acodePrimary, timeoutMs: 3_000 });
    expect(result).toMatchObject({ ok: false, failureType: 'network_partition' });
  } finally {
    await sources.close();
  }
});

test('an unconfigured source is invalid_input', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await expect(mysql.checkSourceConnectivity({ system: 'radar', role: 'backup' })).rejects.toMatchObject({ type: 'invalid_input', nonRetryable: true });
});
