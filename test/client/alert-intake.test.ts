/**
 * The HTTP alert intake and the daily schedules on the whole stack (MariaDB
 * pair, moto's S3, alert receivers, Temporal's dev server, a worker with the real
 * activities): a storm of alerts starts one recovery, which lands the backup
 * data; resolved and unreadable alerts start nothing; schedules are created
 * once, then updated.
 */
import { createAlertIntake, type AlertIntake } from '../../client/alert-intake';
import { applyDailySchedules } from '../../client/schedules';
import { recoveryId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import { startStack, type Stack } from '../helpers/stack-env';
import { expectAcodePartitionsMatchSource, resetAcodeConnections } from '../scenarios/scenario-checks';

let stack: Stack;
let intake: AlertIntake;
let url: string;
/** The intake's clock: the storm's day is today for its date window. */
const NOW = new Date('2025-08-07T03:00:00Z');

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false, temporalServer: 'dev' });
  await resetAcodeConnections(stack);
  intake = createAlertIntake({ client: stack.client, settings: settings(), log: () => undefined, now: () => NOW });
  url = `http://127.0.0.1:${await intake.listen(0)}/alerts`;
}, 60_000);
afterAll(async () => {
  await intake?.close();
  await stack?.teardown();
});

function settings() {
  return { address: stack.address, namespace: 'default', taskQueue: stack.taskQueue };
}

interface IntakeAnswer {
  recoveries: { workflowId: string; runId: string }[];
  ignored: string[];
}

const post = (body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

it('starts one recovery for a storm of alerts about the same failure, and that recovery lands the backup data', async () => {
  const date = '2025-08-07';
  const workflowId = recoveryId('acode', 'primary_db_down', date);
  // Hold the recovery at its first alert so every alert of the storm finds it running.
  const held = stack.hold('sendAlert', (alert: { title?: string }) => (alert.title ?? '').includes(`${date}: recovery started for primary_db_down`));
  const alert = {
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'MySQLDown', system: 'acode', date }, annotations: {}, startsAt: `${date}T02:10:00Z`, fingerprint: 'f1' }],
  };
  const first = await post(alert);
  expect(first.status).toBe(200);
  const firstAnswer = (await first.json()) as IntakeAnswer;
  expect(firstAnswer.recoveries.map((r) => r.workflowId)).toEqual([workflowId]);
  await stack.skipTimeUntil(held.reached);

  const storm = await Promise.all(Array.from({ length: 5 }, () => post(alert).then(async (r) => ({ status: r.status, body: (await r.json()) as IntakeAnswer }))));
  expect(storm.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  expect(new Set(storm.map((a) => a.body.recoveries[0].runId))).toEqual(new Set([firstAnswer.recoveries[0].runId]));
  held.release();

  const result = (await stack.client.workflow.getHandle(workflowId).result()) as RecoveryResult;
  expect(result).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });
  expect(stack.calls.filter((c) => c.name === 'sendAlert' && ((c.input as { title?: string }).title ?? '').includes(`${date}: recovery started`))).toHaveLength(1);
  await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
});

it('ignores resolved alerts and refuses unreadable ones with one line', async () => {
  const callsBefore = stack.calls.length;
  const resolved = await post({ id: '7', title: '[Recovered] MySQLDown acode', alert_type: 'success', alert_transition: 'Recovered' });
  expect(resolved.status).toBe(200);
  expect(((await resolved.json()) as IntakeAnswer).recoveries).toEqual([]);
  const garbage = await post('{nope');
  expect(garbage.status).toBe(400);
  expect(await garbage.json()).toEqual({ error: 'alert body is not JSON' });
  const noSystem = await post({ version: '4', status: 'firing', alerts: [{ labels: { alertname: 'MySQLDown' } }] });
  expect(noSystem.status).toBe(400);
  const answer = (await noSystem.json()) as { error: string; alerts: { outcome: string; why: string }[] };
  expect(answer.error).toBe('1 of 1 alerts refused; nothing started');
  expect(answer.alerts).toEqual([{ index: 0, outcome: 'refused', why: 'alerts[0] (MySQLDown) names no system: set label system=acode|radar' }]);
  expect(stack.calls.length).toBe(callsBefore);
});

it('creates the daily schedules, then updates them instead of duplicating', async () => {
  expect(await applyDailySchedules(stack.client, settings())).toEqual([
    { scheduleId: 'acode-daily-sync', action: 'created' },
    { scheduleId: 'radar-daily-sync', action: 'created' },
  ]);
  expect((await applyDailySchedules(stack.client, settings(), 'airbyte')).map((a) => a.action)).toEqual(['updated', 'updated']);
  const described = await stack.client.schedule.getHandle('acode-daily-sync').describe();
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
  expect(described.action).toMatchObject({ workflowType: 'acodeDailySync', args: [{ engine: 'airbyte' }] });
});
