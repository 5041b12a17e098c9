/** The Slack webhook and PagerDuty Events v2 receivers answer as the real services do. */
import { startPagerDutyReceiver, type PagerDutyReceiver } from '../../local/alerts/pagerduty-receiver';
import { startSlackReceiver, type SlackReceiver } from '../../local/alerts/slack-receiver';

let slack: SlackReceiver;
let pd: PagerDutyReceiver;
const KEY = 'R0123456789ABCDEF0123456789ABCDE';

beforeAll(async () => {
  [slack, pd] = await Promise.all([startSlackReceiver(['data-engineering', 'alerts']), startPagerDutyReceiver()]);
});
afterAll(async () => {
  await Promise.all([slack.close(), pd.close()]);
});

async function send(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

test('Slack webhook: ok, invalid_payload, no_text, invalid_blocks, no_service', async () => {
  const url = slack.webhookUrl('alerts');
  expect(url).toMatch(/\/services\/T[0-9A-F]+\/B[0-9A-F]+\/[0-9A-F]+$/);
  expect(await send(url, { text: 'hello' })).toEqual({ status: 200, text: 'ok' });
  expect(await send(url, '{"text": ')).toEqual({ status: 400, text: 'invalid_payload' });
  expect(await send(url, { username: 'x' })).toEqual({ status: 400, text: 'no_text' });
  const longHeader = { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] };
  expect(await send(url, longHeader)).toEqual({ status: 400, text: 'invalid_blocks' });
  expect(await send(`${slack.url}/services/T0/B0/nope`, { text: 'x' })).toEqual({ status: 404, text: 'no_service' });

  const got = await slack.waitFor((m) => m.text === 'hello');
  expect(got.channel).toBe('alerts');
  expect(slack.messages('alerts')).toHaveLength(1);
  expect(slack.messages('data-engineering')).toHaveLength(0);
});

test('PagerDuty: 202 with dedup_key for a valid trigger; triggers with one key fold into one incident', async () => {
  const event = {
    routing_key: KEY,
    event_action: 'trigger',
    dedup_key: 'acode:primary-down',
    payload: { summary: 'Primary down', source: 'farmarcas-ingestion/acode', severity: 'critical' },
  };
  const first = await send(pd.enqueueUrl, event);
  expect(first.status).toBe(202);
  expect(JSON.parse(first.text)).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'acode:primary-down' });
  await send(pd.enqueueUrl, event);
  expect(pd.openIncidents.get('acode:primary-down')).toBe(2);
  expect(pd.openIncidents.size).toBe(1);

  const noKey = await send(pd.enqueueUrl, { ...event, dedup_key: undefined });
  expect(JSON.parse(noKey.text).dedup_key).toMatch(/^[0-9a-f]{32}$/);
});

test('PagerDuty: 400 invalid event listing each problem', async () => {
  const res = await send(pd.enqueueUrl, { routing_key: 'short', event_action: 'trigger', payload: { summary: '', severity: 'fatal' } });
  expect(res.status).toBe(400);
  const body = JSON.parse(res.text);
  expect(body.status).toBe('invalid event');
  expect(body.message).toBe('Event object is invalid');
  expect(body.errors).toEqual([
    "Length of 'routing_key' is incorrect (should be 32 characters)",
    "'payload.summary' is missing or blank",
    "'payload.source' is missing or blank",
    "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
  ]);
  const missing = JSON.parse((await send(pd.enqueueUrl, {})).text);
  expect(missing.errors).toEqual(["'routing_key' is missing or blank", "'event_action' is missing or blank"]);
  const resolve = JSON.parse((await send(pd.enqueueUrl, { routing_key: KEY, event_action: 'resolve' })).text);
  expect(resolve.errors).toEqual(["'dedup_key' is missing or blank"]);
  expect((await send(pd.enqueueUrl, 'not json')).status).toBe(400);
  expect(pd.received().every((e) => e.routing_key === KEY)).toBe(true);
});

test('receivers out of order answer 500 or drop the connection', async () => {
  slack.setDown('error');
  expect(await send(slack.webhookUrl('alerts'), { text: 'x' })).toEqual({ status: 500, text: 'internal_error' });
  pd.setDown('reset');
  await expect(send(pd.enqueueUrl, {})).rejects.toThrow();
  slack.setDown(false);
  pd.setDown(false);
  expect((await send(slack.webhookUrl('alerts'), { text: 'back' })).status).toBe(200);
});

test('waitFor rejects after its bound when nothing matches', async () => {
  await expect(slack.waitFor((m) => m.text === 'never', 50)).rejects.toThrow('nothing matching received within 50 ms');
});
