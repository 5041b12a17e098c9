/** The HTTP alert intake and schedules against the local Temporal service, a real worker, scripted outside systems. */
import type { Server } from 'node:http';
import { createAlertIntake, listen } from '../../client/alert-intake';
import { applyDailySchedules } from '../../client/schedules';
import { delegatingActivities, ScriptedSystems } from '../workflows/scripted-activities';
import { startWorkflowEnv, type WorkflowEnv } from '../workflows/workflow-env';

let env: WorkflowEnv;
let server: Server;
let url: string;
const systems = new ScriptedSystems();

beforeAll(async () => {
  env = await startWorkflowEnv(delegatingActivities(() => systems));
  server = createAlertIntake({ client: env.client, settings: { address: env.temporal.address, namespace: 'default', taskQueue: env.taskQueue }, log: () => undefined });
  url = `http://127.0.0.1:${await listen(server, 0)}/alerts`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await env?.close();
});

interface IntakeAnswer {
  recoveries: { workflowId: string; runId: string }[];
  ignored: string[];
}

const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

it('starts one recovery for a storm of alerts about the same failure', async () => {
  systems.up['acode/primary'] = false;
  // Hold the recovery at its first alert so every alert of the storm finds it running.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  systems.onAlert = () => held;
  const alert = {
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'MySQLDown', system: 'acode', date: '2025-08-07' }, annotations: {}, startsAt: '2025-08-07T02:10:00Z', fingerprint: 'f1' }],
  };
  const answers = await Promise.all(Array.from({ length: 5 }, () => post(alert).then(async (r) => ({ status: r.status, body: (await r.json()) as IntakeAnswer }))));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  const runIds = new Set(answers.map((a) => a.body.recoveries[0].runId));
  expect(answers[0].body.recoveries[0].workflowId).toBe('recovery-acode-primary_db_down-2025-08-07');
  expect(runIds.size).toBe(1);
  release();
  systems.onAlert = async () => undefined;
  const result = await env.client.workflow.getHandle('recovery-acode-primary_db_down-2025-08-07').result();
  expect(result).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });
});

it('ignores resolved alerts and refuses unreadable ones with one line', async () => {
  const resolved = await post({ id: '7', title: '[Recovered] MySQLDown acode', alert_type: 'success', alert_transition: 'Recovered' });
  expect(resolved.status).toBe(200);
  expect(((await resolved.json()) as IntakeAnswer).recoveries).toEqual([]);
  const garbage = await post('{nope');
  expect(garbage.status).toBe(400);
  expect(await garbage.json()).toEqual({ error: 'alert body is not JSON' });
  const noSystem = await post({ version: '4', status: 'firing', alerts: [{ labels: { alertname: 'MySQLDown' } }] });
  expect(noSystem.status).toBe(400);
});

it('creates the daily schedules, then updates them instead of duplicating', async () => {
  const settings = { address: env.temporal.address, namespace: 'default', taskQueue: env.taskQueue };
  expect(await applyDailySchedules(env.client, settings)).toEqual([
    { scheduleId: 'acode-daily-sync', action: 'created' },
    { scheduleId: 'radar-daily-sync', action: 'created' },
  ]);
  expect((await applyDailySchedules(env.client, settings, 'airbyte')).map((a) => a.action)).toEqual(['updated', 'updated']);
  const described = await env.client.schedule.getHandle('acode-daily-sync').describe();
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
  expect(described.action).toMatchObject({ workflowType: 'acodeDailySync', args: [{ engine: 'airbyte' }] });
});
