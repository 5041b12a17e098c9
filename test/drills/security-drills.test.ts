/**
 * Fault and security drills on the whole stack (real MariaDB pair, S3, Airbyte
 * simulator, alert receivers, Temporal's test server, real activities), with the SDK's
 * logs routed through the service logger and captured:
 *   - malformed inputs typed as in the Temporal UI are refused with a
 *     non-retryable ApplicationFailure before any activity runs;
 *   - the MySQL primary killed in the middle of a daily sync is classified
 *     primary_db_down and recovered on the backup;
 *   - hostile alert content is sanitised at the receivers;
 *   - no sample password and no PagerDuty routing key in the logs, the
 *     receivers' payloads or any workflow history.
 */
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { LOCAL_PASSWORDS, REPLICATION_PASSWORD } from '../../local/mariadb/credentials';
import { createServiceLogging } from '../../worker/logging';
import { recoveryId } from '../../workflows/ids';
import { startStack, SHORT_TIMINGS, type Stack } from '../helpers/stack-env';
import { allWorkflows } from '../helpers/intake-drills';

const logLines: string[] = [];
const logging = createServiceLogging({ format: 'json', level: 'info', env: {}, out: { write: (t: string) => logLines.push(t) } });
// Installed before the stack's worker, so its runtime uses this logger (the helper keeps an installed runtime).
Runtime.install({
  logger: logging.temporalLogger,
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }), forward: {} } },
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false, extract: { maxRowsPerFile: 1000 }, temporalServer: 'dev', freshTemporalPerTest: false });
}, 90_000);
afterAll(() => stack?.teardown());

async function refusal(workflowType: string, input: unknown): Promise<ApplicationFailure> {
  const handle = await stack.start(workflowType, input);
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('malformed workflow inputs', () => {
  const cases: [string, unknown, RegExp][] = [
    ['acodeDailySync', { date: 20240501 }, /date/],
    ['acodeDailySync', { date: '2024-02-30' }, /date/],
    ['acodeDailySync', { streams: ['farmarcas_si_analitico_diario; DROP TABLE x'] }, /stream/],
    ['acodeDailySync', { engine: 'ftp' }, /engine/],
    ['acodeDailySync', '{"date":"2024-05-01"}', /./],
    ['radarDailySync', { tables: ["store' OR '1'='1"] }, /./],
    ['recovery', { system: 'acode', failureType: 'disk_on_fire' }, /failureType/],
    ['recovery', { system: 'oracle', failureType: 'primary_db_down' }, /system/],
    ['recovery', { system: 'acode', failureType: 'primary_db_down', timings: { backupSyncPollMs: 'soon' } }, /timings|backupSyncPollMs/],
    ['reconciliation', { system: 'acode', date: '01/05/2024' }, /date/],
    ['reconciliation', { system: 'acode', date: '2024-05-01', streams: ['produtos`; DELETE FROM t; --'] }, /stream/],
  ];

  test.each(cases)('%s %j is refused: invalid_input, non-retryable, no activity ran', async (workflowType, input, field) => {
    const before = stack.calls.length;
    const failure = await refusal(workflowType, input);
    expect(failure.type).toBe('invalid_input');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message.split('\n')).toHaveLength(1);
    expect(failure.message).toMatch(field);
    expect(stack.calls.length).toBe(before);
  });
});

describe('MySQL primary killed in the middle of a daily sync', () => {
  test('classified primary_db_down, recovered on the backup', async () => {
    const date = '2024-06-11';
    stack.setAirbyteDate(date);
    const held = stack.hold('syncTableToS3', (input) => input.role === 'primary');
    const handle = await stack.start('acodeDailySync', { date, engine: 'direct', timings: SHORT_TIMINGS });
    await stack.skipTimeUntil(held.reached);
    await stack.pair.stopPrimary();
    try {
      held.release();
      await handle.result().catch(() => undefined);
      const recovery = stack.client.workflow.getHandle(recoveryId('acode', 'primary_db_down', date));
      const result = (await recovery.result()) as { strategy: string; outcome: string };
      if (result.outcome !== 'recovered') console.log(JSON.stringify(result, null, 1).slice(0, 3000));
      expect(result.strategy).toBe('use_backup_immediately');
      expect(result.outcome).toBe('recovered');
      const backupSyncs = stack.calls.filter((c) => c.name === 'syncTableToS3' && (c.input as { role: string }).role === 'backup');
      expect(backupSyncs.length).toBeGreaterThanOrEqual(3);
    } finally {
      await stack.pair.startPrimary();
    }
  }, 60_000);
});

describe('hostile alert content', () => {
  test('very long text, control characters and markup reach Slack and PagerDuty sanitised', async () => {
    const hostile = `<script>alert(1)</script> *bold* <!channel> \u0007\u001b[31mred\u202Eevil ${'lorem ipsum '.repeat(500)}`;
    const marker = `drill-${Date.now()}`;
    await stack.activities.sendAlert({
      severity: 'CRITICAL',
      system: 'acode',
      title: `${marker} ${hostile}`,
      actionRequired: hostile,
      metrics: { note: hostile, rows: 3 },
      dedupKey: `${marker}-dedup`,
    });
    const slack = stack.slack.received().filter((m) => m.raw.includes(marker));
    const pages = stack.pagerDuty.received().filter((e) => JSON.stringify(e).includes(marker));
    expect(slack.length).toBeGreaterThanOrEqual(1);
    expect(pages).toHaveLength(1);
    const long = 'lorem ipsum '.repeat(100);
    for (const flat of [...slack.map((m) => m.raw), pages[0].raw]) {
      expect(flat).not.toMatch(/\\u0007|\\u001b|\\u202e|\u0007|\u001b|\u202E/i);
      expect(flat).not.toContain(long);
    }
    // Slack reads markup: no live HTML-ish tags, no channel-wide mention. PagerDuty shows plain text.
    for (const flat of slack.map((m) => m.raw)) {
      expect(flat).not.toContain('<script>');
      expect(flat).not.toContain('<!channel>');
    }
  });
});

/** A history as JSON with payload bytes decoded, so a secret inside a payload would show. */
function historyText(history: unknown): string {
  return JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

describe('secrets never leak', () => {
  test('no sample password and no routing key in logs, alert payloads or workflow histories', async () => {
    const routingKey = stack.workerEnv().PAGERDUTY_ROUTING_KEY;
    const secrets = [...Object.values(LOCAL_PASSWORDS), REPLICATION_PASSWORD, routingKey];
    const histories: string[] = [];
    for (const wf of await allWorkflows(stack.client)) {
      histories.push(historyText(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
    }
    expect(histories.length).toBeGreaterThanOrEqual(3);
    expect(logLines.some((l) => /"workflowId"/.test(l) && /"activityType"/.test(l))).toBe(true);
    const haystacks = {
      logs: logLines.join(''),
      slack: stack.slack.received().map((m) => m.raw).join('\n'),
      // The routing key is PagerDuty's own: it must reach PagerDuty's routing_key field and nothing else.
      pagerDuty: JSON.stringify(stack.pagerDuty.received().map(({ routing_key: _key, raw: _raw, ...event }) => event)),
      histories: histories.join('\n'),
    };
    expect(haystacks.pagerDuty.length).toBeGreaterThan(10);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 3)}…) appears in ${where}`);
      }
    }
  });
});
