/**
 * The alert intake as an attacker on the network meets it, over real HTTP and
 * raw sockets, against the real server (fastify) on Temporal's dev server
 * with the real workflows on stand-in activities (the clock pinned, so a
 * recovery waits for its operator): unauthenticated and wrong credentials, a
 * replayed good request, a 2 MB body, slow bodies and headers, 300 concurrent
 * connections, readiness; each drill asserts the answer and the exact set of
 * workflows afterwards, and the access log never carries the token.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createAlertIntake, type AlertIntake, type IntakeLimits } from '../../client/alert-intake';
import { recoveryId } from '../../workflows/ids';
import { added, alertmanager, firing, intakeLog, openConnections, rawExchange, request, workflowSet } from '../helpers/intake-drills';
import { startFastEnv, type FastEnv } from '../workflows/fast/fast-env';

const TOKEN = randomBytes(24).toString('base64url');
const NOW = new Date();
const TODAY = NOW.toISOString().slice(0, 10);
const logs = intakeLog();
const basic = (password: string) => `Basic ${Buffer.from(`alertmanager:${password}`).toString('base64')}`;
const bearer = { authorization: `Bearer ${TOKEN}` };
const schemaChange = alertmanager([firing({ alertname: 'SchemaChange', system: 'acode' }, { fingerprint: 'a1b2c3' })]);

let env: FastEnv;
const intakes: AlertIntake[] = [];

async function openIntake(limits: Partial<IntakeLimits>, client?: Client): Promise<{ url: string; port: number; intake: AlertIntake }> {
  const settings = { address: 'local', namespace: 'default', taskQueue: env.taskQueue };
  const intake = createAlertIntake({ client: client ?? env.client, settings, token: TOKEN, limits, log: logs.log, now: () => NOW });
  intakes.push(intake);
  const port = await intake.listen(0);
  return { url: `http://127.0.0.1:${port}`, port, intake };
}

let main: { url: string; port: number };
beforeAll(async () => {
  env = await startFastEnv('dev'); // the added-workflows check lists them: visibility
  env.use();
  // Held until teardown: a recovery waits for its operator instead of skipping to its end.
  await env.pinClock();
  main = await openIntake({ requestTimeoutMs: 800, headersTimeoutMs: 400 });
});
afterAll(async () => {
  for (const intake of intakes) await intake.close();
  await env?.teardown();
});

test('no credentials or wrong ones: the same bare 401, answered before the body is read; nothing starts', async () => {
  const before = await workflowSet(env.client);
  const wrong: Record<string, string>[] = [
    {},
    { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    { authorization: basic('not-the-token-at-all') },
    { 'x-alert-token': `${TOKEN}${TOKEN}` },
    { authorization: `Token ${TOKEN}` },
  ];
  for (const headers of wrong) {
    const answer = await request(`${main.url}/alerts`, { body: schemaChange, headers });
    expect([answer.status, answer.body, answer.headers['www-authenticate']]).toEqual([401, { error: 'unauthorized' }, 'Bearer realm="alert-intake"']);
  }
  // 10 MB announced, not one byte of it sent: the 401 comes anyway, and the connection closes.
  const unread = await rawExchange(main.port, [`POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`]);
  expect(unread.text).toMatch(/^HTTP\/1\.1 401 /);
  expect(unread.text).toContain('{"error":"unauthorized"}');
  expect(unread.ms).toBeLessThan(1_000);
  expect(added(before, await workflowSet(env.client))).toEqual([]);
});

test('a good request starts one recovery; replayed with each form of the secret it joins it and starts nothing new', async () => {
  const before = await workflowSet(env.client);
  const id = recoveryId('acode', 'schema_change', TODAY);
  const first = await request(`${main.url}/alerts`, { body: schemaChange, headers: bearer });
  expect(first.status).toBe(200);
  expect(first.body.alerts).toEqual([{ index: 0, outcome: 'started', workflowId: id, runId: expect.any(String) }]);
  const runId = first.body.alerts[0].runId;
  for (const headers of [bearer, { authorization: basic(TOKEN) }, { 'x-alert-token': TOKEN }]) {
    const replay = await request(`${main.url}/alerts`, { body: schemaChange, headers });
    expect([replay.status, replay.body.alerts]).toEqual([200, [{ index: 0, outcome: 'joined', workflowId: id, runId }]]);
  }
  expect(added(before, await workflowSet(env.client))).toEqual([`${id} ${runId}`]);
  expect(logs.entries.filter((e) => e.outcome === 'joined').map((e) => e.recoveries)).toEqual([[`joined ${id}`], [`joined ${id}`], [`joined ${id}`]]);
});

test('a 2 MB body is answered 413 (announced: before it is read; growing: once past the limit), then the connection closes; 415 for anything but JSON', async () => {
  const before = await workflowSet(env.client);
  const big = JSON.stringify({ ...schemaChange, padding: 'x'.repeat(2 * 1024 * 1024) });
  const announced = await request(`${main.url}/alerts`, { body: big, headers: bearer });
  expect([announced.status, announced.body, announced.headers.connection]).toEqual([413, { error: 'alert body larger than 1048576 bytes' }, 'close']);
  const unsent = await rawExchange(main.port, [`POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`]);
  expect(unsent.text).toMatch(/^HTTP\/1\.1 413 [^]*Connection: close/i);
  const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
  const growing = await rawExchange(main.port, [
    `POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    ...Array.from({ length: 32 }, () => chunk('x'.repeat(64 * 1024))),
  ]);
  expect(growing.text).toMatch(/^HTTP\/1\.1 413 [^]*alert body larger than 1048576 bytes/i);
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
    const answer = await request(`${main.url}/alerts`, { body: JSON.stringify(schemaChange), headers: { ...bearer, 'content-type': contentType } });
    expect([answer.status, answer.body]).toEqual([415, { error: 'expected Content-Type: application/json' }]);
  }
  expect(added(before, await workflowSet(env.client))).toEqual([]);
});

test('a slow body, slow headers or silence get 408 within the configured timeout, then the connection closes', async () => {
  const before = await workflowSet(env.client);
  const slowBody = await rawExchange(main.port, [`POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"alerts": [`]);
  const slowHeaders = await rawExchange(main.port, [`POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Ty`]);
  const silent = await rawExchange(main.port, []);
  for (const [what, answer, bound] of [['body', slowBody, 800], ['headers', slowHeaders, 400], ['silence', silent, 400]] as const) {
    expect([what, answer.text.split('\r\n')[0]]).toEqual([what, 'HTTP/1.1 408 Request Timeout']);
    expect(answer.ms).toBeGreaterThanOrEqual(bound - 50);
    expect(answer.ms).toBeLessThan(bound + 1_500);
  }
  expect(logs.entries.filter((e) => e.outcome === 'timeout').length).toBeGreaterThanOrEqual(3);
  console.log(`408 after: slow body ${slowBody.ms} ms (timeout 800), slow headers ${slowHeaders.ms} ms, silence ${silent.ms} ms (400)`);
  expect(added(before, await workflowSet(env.client))).toEqual([]);
});

test('300 concurrent connections from one sender: the per-sender cap holds, /healthz stays fast; the overall cap holds too', async () => {
  const before = await workflowSet(env.client);
  const roomy = await openIntake({ maxConnectionsPerSender: 20, maxConnections: 100 });
  const flood = await openConnections(roomy.port, 300, '127.0.0.2');
  await flood.whenClosed(280);
  expect(roomy.intake.connections()).toBe(20);
  const health = [];
  for (let i = 0; i < 20; i++) health.push(await request(`${roomy.url}/healthz`));
  expect(health.every((h) => h.status === 200)).toBe(true);
  const slowest = Math.max(...health.map((h) => h.ms));
  expect(slowest).toBeLessThan(500);
  const alert = await request(`${roomy.url}/alerts`, { body: schemaChange, headers: bearer, localAddress: '127.0.0.3' });
  expect(alert.body.alerts[0].outcome).toBe('joined');
  expect(flood.closed).toBe(280);
  await flood.destroy();

  const tight = await openIntake({ maxConnectionsPerSender: 20, maxConnections: 30 });
  const [a, b] = [await openConnections(tight.port, 20, '127.0.0.4'), await openConnections(tight.port, 20, '127.0.0.5')];
  await b.whenClosed(10);
  expect(tight.intake.connections()).toBe(30);
  await Promise.all([a.destroy(), b.destroy()]);
  expect(added(before, await workflowSet(env.client))).toEqual([]);
  console.log(`300 connections: 20 held, 280 closed at once; slowest of 20 /healthz ${slowest} ms`);
});

test('/readyz says ready once Temporal answers, 503 when it does not; /healthz answers either way', async () => {
  expect((await request(`${main.url}/readyz`)).body).toEqual({ ready: true });
  const deadConnection = Connection.lazy({ address: '127.0.0.1:1' });
  const dead = await openIntake({ temporalTimeoutMs: 1_000 }, new Client({ connection: deadConnection, namespace: 'default' }));
  const notReady = await request(`${dead.url}/readyz`);
  expect([notReady.status, notReady.body]).toEqual([503, { ready: false, error: 'Temporal does not answer' }]);
  expect(notReady.ms).toBeLessThan(500);
  expect((await request(`${dead.url}/healthz`)).status).toBe(200);
  const unavailable = await request(`${dead.url}/alerts`, { body: schemaChange, headers: bearer });
  expect([unavailable.status, unavailable.body.status, unavailable.body.recoveries]).toEqual([503, 'unavailable', []]);
  expect(unavailable.ms).toBeLessThan(3_000);
  await dead.intake.close();
  await deadConnection.close();
});

test('without a secret the intake listens on loopback only', async () => {
  const open = createAlertIntake({ client: env.client, settings: { address: 'local', namespace: 'default', taskQueue: env.taskQueue } });
  await expect(open.listen(0, '0.0.0.0')).rejects.toThrow('refusing to listen on 0.0.0.0 without a secret');
  await expect(open.listen(0, '::')).rejects.toThrow('refusing to listen on :: without a secret');
  expect(await open.listen(0, '127.0.0.1')).toBeGreaterThan(0);
  await open.close();
});

test('one JSON access-log line per request with source, outcome and recovery ids, and never the token', () => {
  const requests = logs.lines.map((l) => JSON.parse(l));
  expect(requests.length).toBeGreaterThan(30);
  for (const entry of requests) expect(entry).toMatchObject({ msg: 'alert intake request', source: expect.stringMatching(/^127\./), outcome: expect.any(String), status: expect.any(Number) });
  expect(requests.find((e) => e.outcome === 'started')).toMatchObject({ source: '127.0.0.1', path: '/alerts', recoveries: [`started ${recoveryId('acode', 'schema_change', TODAY)}`] });
  expect(requests.filter((e) => e.outcome === 'unauthorized')).toHaveLength(6);
  expect(logs.lines.join('\n')).not.toContain(TOKEN);
  expect(logs.lines.join('\n')).not.toContain(Buffer.from(`alertmanager:${TOKEN}`).toString('base64'));
});
