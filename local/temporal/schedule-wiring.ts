import { ScheduleRegistry } from './schedules';
import type { Engine } from './engine';
import type { Rpc } from './worker-rpcs';
import type { temporal } from './proto';

type ScheduleRequest = { schedule?: temporal.api.schedule.v1.ISchedule | null };

/** The frontend refuses a schedule whose workflow action carries search attributes it would refuse on a start. */
function checkedAction<R extends ScheduleRequest>(engine: Engine, req: R): R {
  engine.searchAttributes.check(req.schedule?.action?.startWorkflow?.searchAttributes);
  return req;
}

/** Connects the schedule registry to the engine (clock, workflow starts) and exposes its six RPCs. */
export function scheduleRpcs(engine: Engine): Record<string, Rpc> {
  let firing = false;
  const registry: ScheduleRegistry = new ScheduleRegistry(
    {
      now: () => engine.now(),
      startWorkflow: async (req) => ({ runId: engine.startWorkflow(req).run.runId }),
      wake: () => engine.changed(),
      isRunning: (workflowId, runId) => engine.findRun(workflowId, runId)?.isOpen ?? false,
    },
    engine.namespace,
  );
  engine.clock.addSource({
    nextFireTime: () => (firing ? undefined : registry.nextFireTime()),
    fireDue: () => {
      if (firing) return;
      firing = true;
      registry.fireDue().then(
        () => {
          firing = false;
          engine.changed();
        },
        (err: unknown) => {
          firing = false;
          process.stderr.write(`local temporal: schedule firing failed: ${err instanceof Error ? err.message : String(err)}\n`);
          engine.changed();
        },
      );
    },
  });
  const rpcs = {
    CreateSchedule: (req: ScheduleRequest) => registry.create(checkedAction(engine, req) as never),
    DescribeSchedule: (req: never) => registry.describe(req),
    ListSchedules: (req: never) => registry.list(req),
    UpdateSchedule: (req: ScheduleRequest) => registry.update(checkedAction(engine, req) as never),
    PatchSchedule: (req: never) => registry.patch(req),
    DeleteSchedule: (req: never) => registry.delete(req),
  };
  return rpcs as unknown as Record<string, Rpc>;
}
