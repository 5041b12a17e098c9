import { durationMs, fromTimestamp, toTimestamp } from './proto';
import { invalidArgument } from './errors';
import type { ServiceClock } from './clock';
import type { Rpc } from './worker-rpcs';

type Ts = { seconds?: number | null; nanos?: number | null } | null | undefined;

/**
 * temporal.api.testservice.v1.TestService, as Temporal's test server answers it:
 * lock and unlock the skipping, sleep on the service clock (Sleep, SleepUntil leave
 * the locks as they are; UnlockTimeSkippingWithSleep unlocks for the sleep's length),
 * and the current service time.
 */
export function testRpcs(clock: ServiceClock): Record<string, Rpc> {
  const rpcs = {
    LockTimeSkipping: () => {
      clock.lock();
      return {};
    },
    UnlockTimeSkipping: () => {
      clock.unlock();
      return {};
    },
    Sleep: async (req: { duration?: Ts }) => {
      await clock.sleepUntil(clock.now() + requiredDuration(req.duration, 'Sleep'));
      return {};
    },
    SleepUntil: async (req: { timestamp?: Ts }) => {
      if (!req.timestamp) throw invalidArgument('SleepUntil: timestamp is required');
      await clock.sleepUntil(fromTimestamp(req.timestamp as never) ?? clock.now());
      return {};
    },
    UnlockTimeSkippingWithSleep: async (req: { duration?: Ts }) => {
      await clock.unlockWhileSleeping(requiredDuration(req.duration, 'UnlockTimeSkippingWithSleep'));
      return {};
    },
    GetCurrentTime: () => ({ time: toTimestamp(clock.now()) }),
  };
  return rpcs as unknown as Record<string, Rpc>;
}

function requiredDuration(duration: Ts, method: string): number {
  if (!duration) throw invalidArgument(`${method}: duration is required`);
  if (Number(duration.seconds ?? 0) < 0 || (duration.nanos ?? 0) < 0) throw invalidArgument(`${method}: duration must not be negative`);
  return durationMs(duration as never) ?? 0;
}
