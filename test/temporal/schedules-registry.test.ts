import { status } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { ServiceError } from '../../local/temporal/errors';
import { ScheduleHost, ScheduleRegistry } from '../../local/temporal/schedules';
import { msToProto, protoToMs } from '../../local/temporal/schedule-timestamps';

import ws = temporal.api.workflowservice.v1;
const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;
const NS = 'default';
const at = (iso: string) => Date.parse(iso);

/** A host with a settable clock that records starts and keeps a set of open runs. */
class RecordingHost implements ScheduleHost {
  clock = at('2026-11-26T12:00:00Z');
  starts: ws.IStartWorkflowExecutionRequest[] = [];
  open = new Set<string>();
  wakes = 0;
  failures: string[] = [];
  failNext?: Error;
  now = () => this.clock;
  wake = () => {
    this.wakes++;
  };
  isRunning = (workflowId: string) => this.open.has(workflowId);
  onActionFailed = (scheduleId: string, workflowId: string, error: Error) => {
    this.failures.push(`${scheduleId} ${workflowId} ${error.message}`);
  };
  async startWorkflow(req: ws.IStartWorkflowExecutionRequest) {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    if (this.open.has(req.workflowId!)) throw new ServiceError(status.ALREADY_EXISTS, `workflow ${req.workflowId} already exists`);
    this.starts.push(req);
    this.open.add(req.workflowId!);
    return { runId: `run-${this.starts.length}` };
  }
  startedIds = () => this.starts.map((s) => s.workflowId);
}

function scheduleRequest(id: string, spec: temporal.api.schedule.v1.IScheduleSpec, extra: Partial<ws.ICreateScheduleRequest> = {}) {
  return {
    namespace: NS,
    scheduleId: id,
    schedule: {
      spec,
      action: {
        startWorkflow: {
          workflowId: 'acode-sync',
          workflowType: { name: 'dailyAcodeSync' },
          taskQueue: { name: 'ingestion' },
          memo: { fields: { origin: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"schedule"') } } },
        },
      },
      ...(extra.schedule ?? {}),
    },
    ...extra,
  } as ws.ICreateScheduleRequest;
}

const daily = { cronString: ['0 2 * * *'] };
let host: RecordingHost;
let registry: ScheduleRegistry;
const describe_ = (id = 'daily') => registry.describe({ namespace: NS, scheduleId: id });
const advanceTo = async (iso: string) => {
  host.clock = at(iso);
  await registry.fireDue();
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as ServiceError).code, message: (err as Error).message };
  }
  throw new Error('no error thrown');
};

beforeEach(() => {
  host = new RecordingHost();
  registry = new ScheduleRegistry(host, NS);
});

test('create compiles the spec, fills defaults and lists the next ten times', () => {
  registry.create(scheduleRequest('daily', daily));
  expect(host.wakes).toBe(1);
  const d = describe_();
  expect(d.schedule!.spec!.structuredCalendar![0].hour).toEqual([{ start: 2, end: 2, step: 1 }]);
  expect(d.schedule!.policies!.overlapPolicy).toBe(Overlap.SCHEDULE_OVERLAP_POLICY_SKIP);
  expect(protoToMs(d.info!.createTime)).toBe(at('2026-11-26T12:00:00Z'));
  const future = d.info!.futureActionTimes!.map((t) => new Date(protoToMs(t)!).toISOString());
  expect(future).toHaveLength(10);
  expect(future[0]).toBe('2026-11-27T02:00:00.000Z');
  expect(future[9]).toBe('2026-12-06T02:00:00.000Z');
  expect(registry.nextFireTime()).toBe(at('2026-11-27T02:00:00Z'));
  expect(codeOf(() => registry.create(scheduleRequest('daily', daily)))).toEqual({
    code: status.ALREADY_EXISTS,
    message: 'schedule daily already exists',
  });
  expect(codeOf(() => describe_('nope')).code).toBe(status.NOT_FOUND);
});

test('a due time starts the workflow with the timestamped id, memo and scheduling search attributes', async () => {
  registry.create(scheduleRequest('daily', daily));
  await advanceTo('2026-11-27T01:59:59Z');
  expect(host.starts).toHaveLength(0);
  await advanceTo('2026-11-27T02:00:03Z');
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-27T02:00:00Z']);
  const start = host.starts[0];
  expect(start.workflowType!.name).toBe('dailyAcodeSync');
  expect(start.taskQueue!.name).toBe('ingestion');
  expect(Buffer.from(start.memo!.fields!.origin.data!).toString()).toBe('"schedule"');
  const sa = start.searchAttributes!.indexedFields!;
  expect(Buffer.from(sa.TemporalScheduledById.data!).toString()).toBe('"daily"');
  expect(Buffer.from(sa.TemporalScheduledStartTime.data!).toString()).toBe('"2026-11-27T02:00:00.000Z"');
  const info = describe_().info!;
  expect(info.actionCount!.toNumber()).toBe(1);
  expect(info.recentActions).toHaveLength(1);
  expect(protoToMs(info.recentActions![0].scheduleTime)).toBe(at('2026-11-27T02:00:00Z'));
  expect(protoToMs(info.recentActions![0].actualTime)).toBe(at('2026-11-27T02:00:03Z'));
  expect(info.recentActions![0].startWorkflowResult).toEqual({ workflowId: 'acode-sync-2026-11-27T02:00:00Z', runId: 'run-1' });
  expect(info.runningWorkflows).toEqual([{ workflowId: 'acode-sync-2026-11-27T02:00:00Z', runId: 'run-1' }]);
  expect(registry.nextFireTime()).toBe(at('2026-11-28T02:00:00Z'));
});

test('SKIP skips while the previous run is open; ALLOW_ALL starts anyway', async () => {
  registry.create(scheduleRequest('daily', daily));
  await advanceTo('2026-11-27T02:00:00Z');
  await advanceTo('2026-11-28T02:00:00Z');
  expect(host.starts).toHaveLength(1);
  expect(describe_().info!.overlapSkipped!.toNumber()).toBe(1);
  host.open.clear();
  await advanceTo('2026-11-29T02:00:00Z');
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-27T02:00:00Z', 'acode-sync-2026-11-29T02:00:00Z']);

  const all = scheduleRequest('all', daily);
  all.schedule!.policies = { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL };
  all.schedule!.action!.startWorkflow!.workflowId = 'radar-sync';
  registry.create(all);
  await advanceTo('2026-11-30T02:00:00Z');
  await advanceTo('2026-12-01T02:00:00Z');
  expect(describe_('all').info!.runningWorkflows!.map((w) => w.workflowId)).toEqual([
    'radar-sync-2026-11-30T02:00:00Z',
    'radar-sync-2026-12-01T02:00:00Z',
  ]);
});

test('a paused schedule has no next fire time and drops the times that pass while paused', async () => {
  registry.create(scheduleRequest('daily', daily));
  await registry.patch({ namespace: NS, scheduleId: 'daily', patch: { pause: 'source under maintenance' } });
  expect(registry.nextFireTime()).toBeUndefined();
  const paused = describe_();
  expect(paused.schedule!.state).toMatchObject({ paused: true, notes: 'source under maintenance' });
  expect(paused.info!.updateTime).toBeTruthy();
  await advanceTo('2026-11-28T12:00:00Z');
  expect(host.starts).toHaveLength(0);
  await registry.patch({ namespace: NS, scheduleId: 'daily', patch: { unpause: 'back' } });
  expect(describe_().schedule!.state).toMatchObject({ paused: false, notes: 'back' });
  expect(registry.nextFireTime()).toBe(at('2026-11-29T02:00:00Z'));
  await advanceTo('2026-11-29T02:00:00Z');
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-29T02:00:00Z']);
});

test('trigger_immediately starts now, even paused, without using up limited actions', async () => {
  const req = scheduleRequest('daily', daily);
  req.schedule!.state = { paused: true, limitedActions: true, remainingActions: Long.fromNumber(1) };
  registry.create(req);
  host.clock = at('2026-11-26T15:30:12.345Z');
  await registry.patch({
    namespace: NS,
    scheduleId: 'daily',
    patch: { triggerImmediately: { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL } },
  });
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-26T15:30:12Z']);
  const d = describe_();
  expect(d.schedule!.state!.remainingActions!.toNumber()).toBe(1);
  expect(d.info!.actionCount!.toNumber()).toBe(1);
});

test('limited actions stop the schedule once used up', async () => {
  const req = scheduleRequest('daily', daily);
  req.schedule!.state = { limitedActions: true, remainingActions: Long.fromNumber(2) };
  registry.create(req);
  expect(describe_().info!.futureActionTimes).toHaveLength(2);
  for (const day of ['27', '28', '29']) {
    host.open.clear();
    await advanceTo(`2026-11-${day}T02:00:00Z`);
  }
  expect(host.starts).toHaveLength(2);
  expect(registry.nextFireTime()).toBeUndefined();
  expect(describe_().schedule!.state!.remainingActions!.toNumber()).toBe(0);
});

test('after a clock jump only times inside the catch-up window run', async () => {
  const req = scheduleRequest('daily', daily);
  req.schedule!.policies = { catchupWindow: msToProto(3_600_000), overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL };
  registry.create(req);
  await advanceTo('2026-11-30T02:30:00Z');
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-30T02:00:00Z']);
  expect(describe_().info!.missedCatchupWindow!.toNumber()).toBe(3);
});

test('an interval schedule driven by its next fire time fires every 5 minutes', async () => {
  const every5 = { interval: [{ interval: msToProto(300_000), phase: msToProto(60_000) }] };
  const req = scheduleRequest('every5', every5);
  req.schedule!.policies = { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL };
  registry.create(req);
  const until = at('2026-11-26T13:00:00Z');
  for (let next = registry.nextFireTime(); next !== undefined && next <= until; next = registry.nextFireTime()) {
    host.clock = next;
    await registry.fireDue();
  }
  expect(host.starts).toHaveLength(12);
  expect(host.starts[0].workflowId).toBe('acode-sync-2026-11-26T12:01:00Z');
  expect(host.starts[11].workflowId).toBe('acode-sync-2026-11-26T12:56:00Z');
  expect(describe_('every5').info!.recentActions).toHaveLength(10);
});

test('update replaces the spec from now on; delete removes the schedule', async () => {
  registry.create(scheduleRequest('daily', daily));
  host.clock = at('2026-11-26T13:00:00Z');
  const updated = scheduleRequest('daily', { cronString: ['0 4 * * *'] });
  registry.update({ namespace: NS, scheduleId: 'daily', schedule: updated.schedule });
  expect(registry.nextFireTime()).toBe(at('2026-11-27T04:00:00Z'));
  expect(protoToMs(describe_().info!.updateTime)).toBe(at('2026-11-26T13:00:00Z'));
  registry.delete({ namespace: NS, scheduleId: 'daily' });
  expect(codeOf(() => describe_()).code).toBe(status.NOT_FOUND);
  expect(codeOf(() => registry.delete({ namespace: NS, scheduleId: 'daily' })).code).toBe(status.NOT_FOUND);
  expect(registry.nextFireTime()).toBeUndefined();
});

test('list pages through schedules in id order with their info', () => {
  for (const id of ['c', 'a', 'b']) registry.create(scheduleRequest(id, daily, { memo: { fields: {} } }));
  const first = registry.list({ namespace: NS, maximumPageSize: 2 });
  expect(first.schedules!.map((s) => s.scheduleId)).toEqual(['a', 'b']);
  expect(first.schedules![0].info).toMatchObject({ workflowType: { name: 'dailyAcodeSync' }, paused: false, notes: '' });
  expect(first.schedules![0].info!.futureActionTimes).toHaveLength(10);
  const second = registry.list({ namespace: NS, maximumPageSize: 2, nextPageToken: first.nextPageToken });
  expect(second.schedules!.map((s) => s.scheduleId)).toEqual(['c']);
  expect(second.nextPageToken).toHaveLength(0);
});

test('initial trigger and backfill on create run on the next fireDue', async () => {
  const req = scheduleRequest('daily', daily, {
    initialPatch: {
      triggerImmediately: { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL },
      backfillRequest: [
        {
          startTime: msToProto(at('2026-11-20T00:00:00Z')),
          endTime: msToProto(at('2026-11-22T02:00:00Z')),
          overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL,
        },
      ],
    },
  });
  registry.create(req);
  expect(registry.nextFireTime()).toBe(host.clock);
  await registry.fireDue();
  expect(host.startedIds()).toEqual([
    'acode-sync-2026-11-26T12:00:00Z',
    'acode-sync-2026-11-20T02:00:00Z',
    'acode-sync-2026-11-21T02:00:00Z',
    'acode-sync-2026-11-22T02:00:00Z',
  ]);
  expect(registry.nextFireTime()).toBe(at('2026-11-27T02:00:00Z'));
});

test('a failed start is reported and consumed, not retried forever', async () => {
  registry.create(scheduleRequest('daily', daily));
  host.failNext = new Error('matching service unavailable');
  await advanceTo('2026-11-27T02:00:00Z');
  expect(host.failures).toEqual(['daily acode-sync-2026-11-27T02:00:00Z matching service unavailable']);
  expect(registry.nextFireTime()).toBe(at('2026-11-28T02:00:00Z'));
});

test('bad requests get INVALID_ARGUMENT or NOT_FOUND naming the field', () => {
  const buffer = scheduleRequest('x', daily);
  buffer.schedule!.policies = { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE };
  expect(codeOf(() => registry.create(buffer))).toEqual({
    code: status.INVALID_ARGUMENT,
    message:
      'schedule.policies.overlap_policy SCHEDULE_OVERLAP_POLICY_BUFFER_ONE is not supported by the local Temporal service (use SKIP or ALLOW_ALL)',
  });
  const noQueue = scheduleRequest('x', daily);
  noQueue.schedule!.action!.startWorkflow!.taskQueue = null;
  expect(codeOf(() => registry.create(noQueue)).message).toBe('schedule.action.start_workflow.task_queue.name is required');
  expect(codeOf(() => registry.create({ ...scheduleRequest('x', daily), namespace: 'other' }))).toEqual({
    code: status.NOT_FOUND,
    message: 'namespace other not found',
  });
  expect(codeOf(() => registry.create(scheduleRequest('x', { cronString: ['0 2 * * * * * *'] }))).message).toBe(
    "Invalid schedule spec: spec.cron_string[0] '0 2 * * * * * *': expected 5, 6 or 7 fields, got 8",
  );
  expect(codeOf(() => registry.list({ namespace: NS, query: 'TemporalSchedulePaused = true' })).code).toBe(
    status.INVALID_ARGUMENT,
  );
  expect(registry.list({ namespace: NS }).schedules).toEqual([]);
});

test('fireDue claims due times at once, so repeated calls before the starts finish start each time once', async () => {
  registry.create(scheduleRequest('daily', daily));
  host.clock = at('2026-11-27T02:00:00Z');
  const first = registry.fireDue();
  expect(registry.nextFireTime()).toBe(at('2026-11-28T02:00:00Z'));
  const second = registry.fireDue();
  await Promise.all([first, second]);
  expect(host.startedIds()).toEqual(['acode-sync-2026-11-27T02:00:00Z']);
});
