import { randomUUID } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { createTemporalEnv, skippedMs, type TemporalEnv } from '../helpers/temporal-env';
import { scheduledPartitionRun } from './workflows/schedule-workflows';

let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/schedule-workflows') });
});
afterAll(async () => {
  await env?.teardown();
});

/** Describes the schedule until `done` holds, for at most `boundMs` of real time. */
async function describeUntil(scheduleId: string, done: (d: ScheduleDescription) => boolean, boundMs = 10_000) {
  const handle = env.client.schedule.getHandle(scheduleId);
  const deadline = Date.now() + boundMs;
  for (;;) {
    const description = await handle.describe();
    if (done(description)) return description;
    if (Date.now() > deadline) throw new Error(`schedule ${scheduleId} did not reach the expected state within ${boundMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a paused daily schedule: trigger runs it now, describe/list/pause/unpause/update reflect it, delete removes it', async () => {
  const scheduleId = `acode-daily-${randomUUID()}`;
  const handle = await env.client.schedule.create({
    scheduleId,
    spec: { calendars: [{ hour: 2, comment: 'daily 02:00 UTC' }] },
    action: {
      type: 'startWorkflow',
      workflowType: scheduledPartitionRun,
      args: ['2026-11-27'],
      taskQueue: env.taskQueue,
      workflowId: `${scheduleId}-run`,
    },
    memo: { owner: 'data-platform' },
    state: { paused: true, note: 'created paused' },
  });
  await expect(
    env.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: scheduledPartitionRun, args: ['x'], taskQueue: env.taskQueue },
    }),
  ).rejects.toBeInstanceOf(ScheduleAlreadyRunning);

  await handle.trigger();
  const triggered = await handle.describe();
  expect(triggered.info.numActionsTaken).toBe(1);
  expect(triggered.info.recentActions).toHaveLength(1);
  const recent = triggered.info.recentActions[0];
  const runId = recent.action.workflow.workflowId;
  expect(runId).toBe(`${scheduleId}-run-${isoSeconds(recent.scheduledAt)}`);
  const report = await env.client.workflow.getHandle<typeof scheduledPartitionRun>(runId).result();
  expect(report).toEqual({ workflowId: runId, partition: '2026-11-27', scheduledBy: scheduleId });

  expect(triggered.state).toMatchObject({ paused: true, note: 'created paused' });
  expect(triggered.memo).toEqual({ owner: 'data-platform' });
  expect(triggered.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], comment: 'daily 02:00 UTC' });
  expect(triggered.info.nextActionTimes).toHaveLength(10);
  for (const t of triggered.info.nextActionTimes) expect(t.toISOString()).toMatch(/T02:00:00\.000Z$/);

  const listed = [];
  for await (const s of env.client.schedule.list()) listed.push(s);
  const entry = listed.find((s) => s.scheduleId === scheduleId);
  expect(entry).toBeDefined();
  expect(entry!.action).toEqual({ type: 'startWorkflow', workflowType: 'scheduledPartitionRun' });
  expect(entry!.state).toEqual({ paused: true, note: 'created paused' });
  expect(entry!.memo).toEqual({ owner: 'data-platform' });

  await handle.unpause('resumed by the operator');
  const resumed = await handle.describe();
  expect(resumed.state).toMatchObject({ paused: false, note: 'resumed by the operator' });
  await handle.pause('maintenance window');
  expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'maintenance window' });

  await handle.update((previous) => ({ ...previous, spec: { calendars: [{ hour: 4, minute: 30 }] } }));
  const updated = await handle.describe();
  expect(updated.info.lastUpdatedAt).toBeInstanceOf(Date);
  expect(updated.state).toMatchObject({ paused: true, note: 'maintenance window' });
  expect(updated.info.nextActionTimes[0].toISOString()).toMatch(/T04:30:00\.000Z$/);
  expect(updated.action).toMatchObject({ workflowType: 'scheduledPartitionRun', args: ['2026-11-27'] });

  await handle.delete();
  await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  const afterDelete = [];
  for await (const s of env.client.schedule.list()) afterDelete.push(s.scheduleId);
  expect(afterDelete).not.toContain(scheduleId);
});

test('an hourly interval schedule fires on its own while the test sleeps through three hours, until its actions are used up', async () => {
  const scheduleId = `radar-hourly-${randomUUID()}`;
  const createdAt = await env.testEnv.currentTimeMs();
  const handle = await env.client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1h' }] },
    action: {
      type: 'startWorkflow',
      workflowType: scheduledPartitionRun,
      args: ['hourly'],
      taskQueue: env.taskQueue,
      workflowId: `${scheduleId}-run`,
    },
    state: { remainingActions: 3 },
  });
  const firstHour = Math.floor(createdAt / 3_600_000) * 3_600_000 + 3_600_000;
  expect((await handle.describe()).info.numActionsTaken).toBe(0);
  await env.testEnv.sleep(firstHour + 3 * 3_600_000 - createdAt);
  const done = await describeUntil(scheduleId, (d) => d.info.numActionsTaken === 3);
  const scheduled = done.info.recentActions.map((a) => a.scheduledAt.getTime());
  expect(scheduled).toHaveLength(3);
  expect(scheduled).toEqual([firstHour, firstHour + 3_600_000, firstHour + 7_200_000]);
  expect(await skippedMs(env.testEnv)).toBeGreaterThanOrEqual(firstHour + 7_200_000 - createdAt - 60_000);
  for (const action of done.info.recentActions) {
    const id = action.action.workflow.workflowId;
    expect(id).toBe(`${scheduleId}-run-${isoSeconds(action.scheduledAt)}`);
    expect(await env.client.workflow.getHandle<typeof scheduledPartitionRun>(id).result()).toMatchObject({ partition: 'hourly' });
  }
  expect(done.state.remainingActions).toBe(0);
  expect(done.info.nextActionTimes).toEqual([]);
  await handle.delete();
});

test('a spec in another time zone is refused with a TypeError naming the field', async () => {
  await expect(
    env.client.schedule.create({
      scheduleId: `tz-${randomUUID()}`,
      spec: { calendars: [{ hour: 2 }], timezone: 'America/Sao_Paulo' },
      action: { type: 'startWorkflow', workflowType: scheduledPartitionRun, args: ['x'], taskQueue: env.taskQueue },
    }),
  ).rejects.toThrow(new TypeError("spec.timezone_name 'America/Sao_Paulo': only UTC is supported by the local Temporal service"));
});
