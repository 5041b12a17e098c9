/**
 * What an outsider holding the secret can start through the alert intake, on
 * the whole stack (MariaDB pair, S3, alert receivers, Temporal's test server, real
 * activities) with the real server over real HTTP, the clock pinned so
 * recoveries wait for an operator: 500 alerts with distinct dates in one
 * request and in 500 requests (bounded by the per-request cap, the date window
 * and the rate limit), a mixed valid/invalid batch (nothing started), hostile
 * text (clean, bounded reason), a restore asked by an alert (manual
 * intervention), __proto__/constructor keys and timings (refused). Each drill
 * asserts the answer and the exact set of workflows afterwards. Then the
 * recoveries run to their end and the captured logs, the Slack and PagerDuty
 * payloads and every workflow history are searched for the token, the webhook
 * URLs and the passwords.
 */
import { randomBytes } from 'node:crypto';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { runCli } from '../../client/cli';
import { createAlertIntake, type AlertIntake, type IntakeLimits } from '../../client/alert-intake';
import { LOCAL_PASSWORDS, REPLICATION_PASSWORD } from '../../local/mariadb/credentials';
import { createServiceLogging } from '../../worker/logging';
import { recoveryId } from '../../workflows/ids';
import { added, alertmanager, daysBefore, firing, intakeLog, allWorkflows, request, workflowSet } from '../helpers/intake-drills';
import { startStack, type Stack } from '../helpers/stack-env';

const logLines: string[] = [];
const logging = createServiceLogging({ format: 'json', level: 'info', env: {}, out: { write: (t: string) => logLines.push(t) } });
// Installed before the stack's worker, so its runtime uses this logger (the helper keeps an installed runtime).
Runtime.install({ logger: logging.temporalLogger, telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }), forward: {} } } });

const TOKEN = randomBytes(24).toString('base64url');
const NOW = new Date();
const day = (i: number) => daysBefore(NOW, i);
const access = intakeLog();
const started = new Set<string>();

let stack: Stack;
let pin: { release(): Promise<void> };
const intakes: AlertIntake[] = [];

async function openIntake(limits: Partial<IntakeLimits> = {}): Promise<string> {
  const settings = { address: stack.address, namespace: 'default', taskQueue: stack.taskQueue };
  const intake = createAlertIntake({ client: stack.client, settings, token: TOKEN, limits, log: access.log, now: () => NOW });
  intakes.push(intake);
  return `http://127.0.0.1:${await intake.listen(0)}/alerts`;
}

const post = (url: string, body: unknown, from?: string) => request(url, { body, headers: { authorization: `Bearer ${TOKEN}` }, localAddress: from });
const staleRadar = (i: number) => firing({ alertname: 'StaleData', system: 'radar', date: day(i) });

function remember(answer: { body: { alerts?: { outcome: string; workflowId?: string }[] } }): void {
  for (const a of answer.body.alerts ?? []) if (a.outcome === 'started' && a.workflowId) started.add(a.workflowId);
}

let url: string;
beforeAll(async () => {
  stack = await startStack({ fiscalRows: 1000, radar: false, freshTemporalPerTest: false });
  pin = await stack.pinClock();
  url = await openIntake();
}, 120_000);
afterAll(async () => {
  for (const intake of intakes) await intake.close();
  await stack?.teardown();
});

test('500 alerts with distinct dates in one request: refused whole by the per-request cap; 100 of them: by the window; nothing starts', async () => {
  const before = await workflowSet(stack.client);
  const five = await post(url, alertmanager(Array.from({ length: 500 }, (_, i) => staleRadar(i))));
  expect([five.status, five.body]).toEqual([413, { error: 'alertmanager payload: 500 alerts, at most 100 per request (set max_alerts: 100)' }]);
  const hundred = await post(url, alertmanager(Array.from({ length: 100 }, (_, i) => staleRadar(i))));
  expect([hundred.status, hundred.body.error]).toEqual([400, '92 of 100 alerts refused; nothing started']);
  expect(hundred.body.alerts.slice(0, 8).map((a: { outcome: string }) => a.outcome)).toEqual(Array(8).fill('not_started'));
  expect(hundred.body.alerts[8]).toEqual({ index: 8, outcome: 'refused', why: `alerts[8] labels.date ${day(8)} is outside the window ${day(7)}..${day(0)}` });
  expect(added(before, await workflowSet(stack.client))).toEqual([]);
});

test('500 requests with distinct dates: the window refuses 492, the rate limit lets 5 start per sender and 6 in all', async () => {
  const before = await workflowSet(stack.client);
  const limited = await openIntake({ ratePerSender: 5, rateTotal: 6 });
  const t0 = Date.now();
  const answers = [];
  for (let i = 0; i < 500; i++) answers.push(await post(limited, alertmanager([staleRadar(i)])));
  const ms = Date.now() - t0;
  answers.forEach(remember);
  const statuses = answers.map((a) => a.status);
  expect(statuses.slice(0, 8)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  expect(statuses.slice(8).every((s) => s === 400)).toBe(true);
  expect(answers[5].headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(answers[5].body.error).toBe('rate limit: at most 5 new recoveries a minute from one sender; nothing started');
  const other = await post(limited, alertmanager([staleRadar(5)]), '127.0.0.3');
  const third = await post(limited, alertmanager([staleRadar(6)]), '127.0.0.4');
  remember(other);
  expect([other.status, third.status, third.body.error]).toEqual([200, 429, 'rate limit: at most 6 new recoveries a minute in all; nothing started']);
  const ids = [0, 1, 2, 3, 4, 5].map((i) => recoveryId('radar', 'stale_data', day(i)));
  expect(added(before, await workflowSet(stack.client)).map((e) => e.split(' ')[0])).toEqual([...ids].sort());
  console.log(`500 requests in ${ms} ms: 5 started, 3 rate limited (429), 492 outside the window (400)`);
});

test('a mixed valid/invalid batch starts nothing and says, per alert, why', async () => {
  const before = await workflowSet(stack.client);
  const mixed = await post(url, alertmanager([
    firing({ alertname: 'SchemaChange', system: 'acode', date: day(1) }),
    firing({ alertname: 'SchemaChange' }),
    firing({ alertname: 'StaleData', system: 'radar', date: day(1) }),
  ]));
  expect(mixed.status).toBe(400);
  expect(mixed.body.alerts).toEqual([
    { index: 0, outcome: 'not_started', workflowId: recoveryId('acode', 'schema_change', day(1)), why: 'another alert of the batch was refused' },
    { index: 1, outcome: 'refused', why: 'alerts[1] (SchemaChange) names no system: set label system=acode|radar' },
    { index: 2, outcome: 'not_started', workflowId: recoveryId('radar', 'stale_data', day(1)), why: 'another alert of the batch was refused' },
  ]);
  expect(added(before, await workflowSet(stack.client))).toEqual([]);
});

const HOSTILE = {
  name: `AirbyteSyncFailed\u001b[31m\u202Eevil\u0007\r\n${'n'.repeat(3000)}`,
  summary: `line1\nline2 \u001b]0;pwned\u0007 Authorization: Bearer ${TOKEN} password=hunter2-Secret ${'s'.repeat(5000)}`,
};

test('hostile text reaches the recovery and its alerts clean and bounded, never refused for its length', async () => {
  const before = await workflowSet(stack.client);
  const answer = await post(url, alertmanager([firing({ alertname: HOSTILE.name, system: 'acode', date: day(2) }, { fingerprint: 'f'.repeat(5000), annotations: { summary: HOSTILE.summary } })]));
  remember(answer);
  const id = recoveryId('acode', 'airbyte_failure', day(2));
  expect([answer.status, answer.body.alerts[0].outcome, answer.body.alerts[0].workflowId]).toEqual([200, 'started', id]);
  expect(added(before, await workflowSet(stack.client))).toEqual([`${id} ${answer.body.alerts[0].runId}`]);
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  const input = JSON.parse(Buffer.from(history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0].data ?? []).toString('utf8'));
  expect(input.reason.length).toBeLessThanOrEqual(400);
  expect(input.reason).toMatch(/^alertmanager AirbyteSyncFailedevil n+…/);
  for (const bad of [/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, /\[31m/, /pwned/, /hunter2/]) expect(input.reason).not.toMatch(bad);
  expect(input.reason).not.toContain(TOKEN);
  const slack = await stack.slack.waitFor((m) => m.raw.includes(`${day(2)}: recovery needs a person (airbyte_failure)`), 20_000);
  expect(slack.raw).not.toMatch(/\\u001b|\\u202e|\\u0007|\u001b|\u202E/i);
  expect(slack.raw).not.toContain(TOKEN);
});

test('a restore asked by an alert goes to manual intervention unless ALERT_ALLOW_RESTORE names the system', async () => {
  const before = await workflowSet(stack.client);
  const answer = await post(url, alertmanager([firing({ alertname: 'DataCorruption', system: 'acode', date: day(3) }, { fingerprint: 'dc1' })]));
  remember(answer);
  const id = recoveryId('acode', 'unknown', day(3));
  expect([answer.status, answer.body.alerts[0].workflowId]).toEqual([200, id]);
  expect(added(before, await workflowSet(stack.client))).toEqual([`${id} ${answer.body.alerts[0].runId}`]);
  await stack.slack.waitFor((m) => m.raw.includes(`${day(3)}: recovery started for unknown → manual_intervention_required`), 20_000);
  expect(stack.calls.filter((c) => c.name === 'quarantinePartition')).toHaveLength(0);
});

test('__proto__ and constructor: refused in the body, in CLI timings and in a workflow started as the Temporal UI would', async () => {
  const before = await workflowSet(stack.client);
  const protoBody = `{"__proto__":{"polluted":true},"version":"4","alerts":[{"labels":{"alertname":"SchemaChange","system":"acode"}}]}`;
  const proto = await post(url, protoBody);
  expect([proto.status, proto.body]).toEqual([400, { error: 'alert body carries a forbidden key __proto__' }]);
  const ctor = await post(url, `{"alerts":[{"labels":{"alertname":"SchemaChange","system":"acode","constructor":{"prototype":{"x":1}}}}]}`);
  expect([ctor.status, ctor.body.error]).toEqual([400, expect.stringMatching(/^alert body carries a forbidden key (prototype|constructor)$/)]);

  const errs: string[] = [];
  const connect = async () => ({ client: stack.client, settings: { address: stack.address, namespace: 'default', taskQueue: stack.taskQueue }, close: async () => undefined });
  const input = `{"system":"acode","failureType":"schema_change","date":"${day(4)}","timings":{"constructor":1000}}`;
  expect(await runCli(['start', 'recovery', '--input', input], { connect, out: () => undefined, err: (t) => errs.push(t), readInput: () => '' })).toBe(1);
  expect(errs).toEqual([expect.stringContaining('timings: constructor: unknown timing')]);
  expect(added(before, await workflowSet(stack.client))).toEqual([]);

  const handle = await stack.start('recovery', JSON.parse(`{"system":"acode","failureType":"schema_change","date":"${day(4)}","timings":{"__proto__":{"manualDecisionTimeoutMs":1}}}`), 'ui-started-recovery');
  const failure = await handle.result().then(
    () => undefined,
    (err: { cause?: { type?: string; message?: string } }) => err.cause,
  );
  expect(failure).toMatchObject({ type: 'invalid_input', message: expect.stringContaining('timings: __proto__: unknown timing') });
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
  expect(added(before, await workflowSet(stack.client))).toEqual([`ui-started-recovery ${(await handle.describe()).runId}`]);
});

/** A history as JSON with payload bytes decoded, so a secret inside a payload would show. */
const historyText = (history: unknown) => JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));

test('afterwards no token, webhook URL or password in the logs, the alert payloads or any workflow history', async () => {
  await pin.release();
  // One result awaited at a time: each wait unlocks time skipping once, as the SDK's client does.
  const outcomes: { outcome: string }[] = [];
  for (const id of started) outcomes.push((await stack.client.workflow.getHandle(id).result()) as { outcome: string });
  expect(outcomes.map((o) => o.outcome)).toEqual(Array(started.size).fill('aborted'));
  expect(started.size).toBe(8);

  const env = stack.workerEnv();
  const webhooks = [env.SLACK_WEBHOOK_ALERTS, env.SLACK_WEBHOOK_DATA_ENGINEERING];
  const secrets = [TOKEN, Buffer.from(`alertmanager:${TOKEN}`).toString('base64'), ...webhooks, ...webhooks.map((w) => new URL(w).pathname), ...Object.values(LOCAL_PASSWORDS), REPLICATION_PASSWORD, env.PAGERDUTY_ROUTING_KEY, 'hunter2-Secret'];
  const histories: string[] = [];
  for (const wf of await allWorkflows(stack.client)) histories.push(historyText(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
  const haystacks = {
    logs: logLines.join(''),
    accessLog: access.lines.join('\n'),
    slack: stack.slack.received().map((m) => m.raw).join('\n'),
    // The routing key is PagerDuty's own: it must reach PagerDuty's routing_key field and nothing else.
    pagerDuty: JSON.stringify(stack.pagerDuty.received().map(({ routing_key: _key, raw: _raw, ...event }) => event)),
    histories: histories.join('\n'),
  };
  expect(stack.pagerDuty.received().filter((e) => JSON.stringify(e).includes('nobody answered')).length).toBeGreaterThanOrEqual(8);
  expect(access.lines.length).toBeGreaterThan(500);
  for (const [where, text] of Object.entries(haystacks)) {
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 3)}…) appears in ${where}`);
    }
  }
}, 120_000);
