/**
 * One sync per day, whoever starts it: the daily schedule's run and a manual
 * start (CLI, main job) of the same day produce one sync, in either order.
 * Real workflows and the real schedule options on Temporal's dev server, stand-in
 * activities counting the syncs.
 */
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type ScheduleHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { dailyScheduleOptions } from '../../client/schedules';
import { planStart, startPlanned } from '../../client/workflow-starts';
import { ACODE_STREAM_NAMES } from '../../config/pipelines';
import { acodeDailySyncId, scheduledRunId } from '../../workflows/ids';
import { ACTIVITY_NAMES, standinActivities, type Standins } from '../helpers/standin-activities';
import { createTemporalEnv, type TemporalEnv } from '../helpers/temporal-env';

let env: TemporalEnv;
let standins: Standins;
beforeAll(async () => {
  standins = standinActivities();
  // Each test installs fresh stand-ins; the worker calls whichever are current.
  const current = () => standins.activities as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  const activities = Object.fromEntries(ACTIVITY_NAMES.map((name) => [name, (input: unknown) => current()[name](input)]));
  env = await createTemporalEnv({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'), activities, server: 'dev' });
});
afterAll(() => env?.teardown());
afterEach(() => standins.releaseAll());

const settings = () => ({ address: env.address, namespace: 'default', taskQueue: env.taskQueue });
const syncsOf = (date: string) => standins.callsOf('syncTableToS3', (c) => (c.input as { date: string }).date === date);

/** The run the schedule's last action started. */
async function lastScheduledRun(schedule: ScheduleHandle) {
  return (await schedule.describe()).info.recentActions.at(-1)?.action.workflow;
}

test('the schedule fires first: its run takes the day under the day id, a manual start of that day is refused, three streams synced once', async () => {
  standins = standinActivities();
  const held = standins.hold('syncTableToS3');
  // The schedule's own action, for a day of its own (the other test has today).
  const date = '2026-05-04';
  const options = dailyScheduleOptions('acode', settings());
  const action = { ...options.action, args: [{ ...(options.action.args?.[0] as object), date }] };
  const schedule = await env.client.schedule.create({ ...options, action, scheduleId: 'one-sync-a' } as typeof options);
  await schedule.trigger();
  const first = await held.reached;
  expect(first.workflowId).toBe(acodeDailySyncId(date, 'primary'));

  await expect(startPlanned(env.client, settings(), planStart('acodeDailySync', { date }))).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  held.release();
  const day = await env.client.workflow.getHandle(acodeDailySyncId(date, 'primary')).result();
  expect(day).toMatchObject({ date, source: 'primary' });
  const launcher = await lastScheduledRun(schedule);
  expect(launcher?.workflowId.startsWith(scheduledRunId('acode'))).toBe(true);
  expect(await env.client.workflow.getHandle(launcher!.workflowId, launcher!.firstExecutionRunId).result()).toEqual(day);
  expect(syncsOf(date).map((c) => (c.input as { stream: string }).stream).sort()).toEqual([...ACODE_STREAM_NAMES].sort());
  await schedule.delete();
});

test('a manual run has the day: the schedule run that follows is refused as a duplicate_run and syncs nothing', async () => {
  standins = standinActivities();
  // Today on the service clock, which the schedule's run reads (time skipped while earlier results were awaited).
  const date = new Date(await env.testEnv.currentTimeMs()).toISOString().slice(0, 10);
  const manual = await startPlanned(env.client, settings(), planStart('acodeDailySync', { date }));
  expect(manual.workflowId).toBe(acodeDailySyncId(date, 'primary'));
  await env.client.workflow.getHandle(manual.workflowId).result();
  const before = syncsOf(date).length;
  expect(before).toBe(ACODE_STREAM_NAMES.length);

  const schedule = await env.client.schedule.create({ ...dailyScheduleOptions('acode', settings()), scheduleId: 'one-sync-b' });
  await schedule.trigger();
  // The trigger starts the action asynchronously on a real server: read it back from the schedule.
  let launcher: { workflowId: string; firstExecutionRunId: string } | undefined;
  for (let reads = 0; !launcher && reads < 500; reads++) launcher = await lastScheduledRun(schedule);
  if (!launcher) throw new Error('the schedule never started its action');
  expect(launcher.workflowId.startsWith(scheduledRunId('acode'))).toBe(true);
  const failure = await env.client.workflow
    .getHandle(launcher.workflowId, launcher.firstExecutionRunId)
    .result()
    .catch((err) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('duplicate_run');
  expect((cause as ApplicationFailure).message).toContain(acodeDailySyncId(date, 'primary'));
  expect(syncsOf(date).length).toBe(before);
  await schedule.delete();
});
