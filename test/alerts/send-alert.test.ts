/** sendAlert against the local Slack and PagerDuty receivers: routing, shapes, sanitising, failures. */
import { ApplicationFailure } from '@temporalio/common';
import { createAlertActivities } from '../../activities/alerts/alerts';
import type { Alert } from '../../activities/types';
import { startPagerDutyReceiver, type PagerDutyReceiver } from '../../local/alerts/pagerduty-receiver';
import { startSlackReceiver, type SlackReceiver, type SlackMessage } from '../../local/alerts/slack-receiver';

const ROUTING_KEY = 'Rk0123456789abcdef0123456789abcd';
const UI = 'http://temporal-ui.local:8233';
const NOW = new Date('2024-03-01T04:05:06.000Z');

let slack: SlackReceiver;
let pd: PagerDutyReceiver;
let alerts: ReturnType<typeof createAlertActivities>;

const activities = (env: NodeJS.ProcessEnv = { PD_ROUTING_KEY: ROUTING_KEY }) =>
  createAlertActivities({
    slackWebhooks: { dataEngineering: slack.webhookUrl('data-engineering'), alerts: slack.webhookUrl('alerts') },
    pagerDuty: { url: pd.enqueueUrl, routingKeyEnv: 'PD_ROUTING_KEY' },
    temporalUiUrl: UI,
    env,
    now: () => NOW,
  });

const alert = (over: Partial<Alert>): Alert => ({
  severity: 'INFO',
  system: 'acode',
  title: 'ACODE daily sync finished',
  actionRequired: 'none',
  ...over,
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

const everythingReceived = () => [...slack.received().map((m) => m.raw), ...pd.received().map((e) => e.raw)].join('\n');
const blockTexts = (m: SlackMessage) => JSON.stringify(m.blocks);

beforeEach(async () => {
  [slack, pd] = await Promise.all([startSlackReceiver(), startPagerDutyReceiver()]);
  alerts = activities();
});
afterEach(async () => {
  await Promise.all([slack.close(), pd.close()]);
});

test('INFO and WARNING go to #data-engineering, ERROR to #alerts, none to PagerDuty', async () => {
  await expect(alerts.sendAlert(alert({ severity: 'INFO', title: 'sync ok' }))).resolves.toEqual({ slackChannel: '#data-engineering', pagerDuty: false });
  await expect(alerts.sendAlert(alert({ severity: 'WARNING', title: 'freshness 13h' }))).resolves.toEqual({ slackChannel: '#data-engineering', pagerDuty: false });
  await expect(alerts.sendAlert(alert({ severity: 'ERROR', system: 'radar', title: 'store_metrics failed' }))).resolves.toEqual({ slackChannel: '#alerts', pagerDuty: false });

  expect(slack.messages('data-engineering').map((m) => m.text)).toEqual(['[INFO] ACODE: sync ok', '[WARNING] ACODE: freshness 13h']);
  expect(slack.messages('alerts').map((m) => m.text)).toEqual(['[ERROR] RADAR: store_metrics failed']);
  expect(pd.received()).toHaveLength(0);
});

test('a Slack alert carries system, time, action required, metrics and the Temporal UI link', async () => {
  await alerts.sendAlert(
    alert({
      severity: 'ERROR',
      title: 'Quality gates failed',
      actionRequired: 'Check the quarantined partition',
      metrics: { score: 82.5, rows: 120000, passed: false },
      workflowId: 'acode-daily-2024-03-01',
      runId: '6f1c2a9e-0b7d-4c55-9a0e-2d4f8b1e7c33',
    }),
  );
  const message = await slack.waitFor((m) => m.channel === 'alerts');
  const blocks = blockTexts(message);
  const link = `${UI}/namespaces/default/workflows/acode-daily-2024-03-01/6f1c2a9e-0b7d-4c55-9a0e-2d4f8b1e7c33/history`;
  for (const expected of ['ACODE', 'ERROR', '2024-03-01T04:05:06.000Z', 'Check the quarantined partition', '*score*\\n82.5', '*rows*\\n120000', '*passed*\\nfalse', link]) {
    expect(blocks).toContain(expected);
  }
});

test('CRITICAL triggers PagerDuty (validated by the receiver) with its dedup key, then Slack #alerts', async () => {
  const sent = alerts.sendAlert(
    alert({
      severity: 'CRITICAL',
      title: 'Primary MySQL down 3 times',
      actionRequired: 'Failover started; watch the backup sync',
      metrics: { consecutiveFailures: 3 },
      workflowId: 'acode-health-monitor',
      runId: 'r-1',
      dedupKey: 'acode:primary_db_down:2024-03-01',
    }),
  );
  await expect(sent).resolves.toEqual({ slackChannel: '#alerts', pagerDuty: true });
  const event = await pd.waitFor(() => true);
  expect(pd.requests.map((r) => r.status)).toEqual([202]);
  expect(event).toMatchObject({
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: 'acode:primary_db_down:2024-03-01',
    payload: { severity: 'critical', source: 'farmarcas-ingestion/acode', timestamp: '2024-03-01T04:05:06.000Z', component: 'acode' },
    links: [{ href: `${UI}/namespaces/default/workflows/acode-health-monitor/r-1/history`, text: 'Workflow in Temporal UI' }],
  });
  expect(event.payload!.summary).toContain('Primary MySQL down 3 times');
  expect(event.payload!.custom_details).toMatchObject({ metrics: { consecutiveFailures: '3' }, action_required: 'Failover started; watch the backup sync' });
  expect(slack.messages('alerts')).toHaveLength(1);
  expect(slack.messages('data-engineering')).toHaveLength(0);
  expect(slack.received().some((m) => m.raw.includes(ROUTING_KEY))).toBe(false);

  await alerts.sendAlert(alert({ severity: 'CRITICAL', title: 'again', dedupKey: 'acode:primary_db_down:2024-03-01' }));
  expect(pd.openIncidents.get('acode:primary_db_down:2024-03-01')).toBe(2);
  expect(pd.openIncidents.size).toBe(1);
});

test('hostile content is sanitised everywhere, and a password metric never reaches a receiver', async () => {
  const hostile = alert({
    severity: 'CRITICAL',
    system: 'radar',
    title: '<!channel> login sync \u0000\u001b[31mfailed <https://evil.example|click> & more ' + 'x'.repeat(500),
    actionRequired: `Reconnect with mysql://bi-cognitivo-read:Tr0ub4dor-Pass@db:3306/radar ${'y'.repeat(20_000)}`,
    metrics: {
      password: 'hunter2-S3cret-value',
      token_hash: '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      rows: 10,
      row: { id: 1, email: 'someone@example.com' } as unknown as string,
    },
    workflowId: 'radar-daily/<script>',
  });
  await alerts.sendAlert(hostile);
  await slack.waitFor((m) => m.channel === 'alerts');
  const all = everythingReceived();
  for (const forbidden of ['hunter2', 'S3cret', 'Tr0ub4dor', 'R9h/cIPz0gi', 'someone@example.com', '\\u0000', '\\u001b', '"password"', 'token_hash']) {
    expect(all).not.toContain(forbidden);
  }
  // Slack markup is escaped in what Slack gets; PagerDuty takes plain text and gets it as such.
  const slackBodies = slack.received().map((m) => m.raw).join('\n');
  for (const markup of ['<!channel>', '<https://evil', '<script>']) expect(slackBodies).not.toContain(markup);
  const message = slack.messages('alerts')[0];
  expect(blockTexts(message)).toContain('&lt;!channel&gt;');
  expect(blockTexts(message)).toContain('3 metric(s) withheld');
  expect(message.raw.length).toBeLessThan(10_000);
  expect(pd.received()[0].payload!.summary.length).toBeLessThanOrEqual(1024);
  expect(pd.received()[0].links?.[0]?.href).toContain('radar-daily%2F%3Cscript%3E');
});

test('a receiver that fails gives a retryable error naming the channel, never the webhook URL', async () => {
  slack.setDown('error');
  const failed = await failureOf(alerts.sendAlert(alert({ severity: 'ERROR', title: 'x' })));
  expect(failed.type).toBe('alert_delivery_failed');
  expect(failed.nonRetryable).toBe(false);
  expect(failed.message).toBe('Slack #alerts refused the alert: HTTP 500 internal_error');

  slack.setDown('reset');
  const dropped = await failureOf(alerts.sendAlert(alert({ severity: 'INFO', title: 'x' })));
  expect(dropped.nonRetryable).toBe(false);
  expect(dropped.message).toMatch(/^Slack #data-engineering unreachable: /);
  expect(dropped.message).not.toContain('/services/');

  slack.setDown(false);
  pd.setDown('error');
  const pdFailed = await failureOf(alerts.sendAlert(alert({ severity: 'CRITICAL', title: 'x' })));
  expect(pdFailed.message).toBe('PagerDuty refused the alert: HTTP 500 internal_error');
  expect(pdFailed.nonRetryable).toBe(false);
  expect(pdFailed.message).not.toContain(ROUTING_KEY);
});

test('bad input and a missing routing key fail clearly and for good', async () => {
  const noKey = await failureOf(activities({}).sendAlert(alert({ severity: 'CRITICAL', title: 'x' })));
  expect(noKey.type).toBe('invalid_input');
  expect(noKey.nonRetryable).toBe(true);
  expect(noKey.message).toBe('sendAlert: PagerDuty routing key missing: environment variable PD_ROUTING_KEY is not set');

  const badSeverity = await failureOf(alerts.sendAlert(alert({ severity: 'FATAL' as 'INFO' })));
  expect(badSeverity.type).toBe('invalid_input');
  expect(badSeverity.message).toContain('severity "FATAL"');

  expect(() =>
    createAlertActivities({
      slackWebhooks: { dataEngineering: 'not a url', alerts: slack.webhookUrl('alerts') },
      pagerDuty: { routingKeyEnv: 'PD_ROUTING_KEY' },
      temporalUiUrl: UI,
    }),
  ).toThrow('alerts: slackWebhooks.dataEngineering must be an http(s) URL');
  expect(slack.received()).toHaveLength(0);
});
