/**
 * The embedded stack for one drill (the same one the end-to-end tests use:
 * MariaDB pair, moto's S3, Airbyte simulator, Slack and PagerDuty receivers, the
 * Temporal's test server with time skipping), its service clock moved to the
 * opening of the next daily window (02:00 UTC), with the sample's data as fresh
 * as a day's data is then. The workflows run with the seeds' production timings:
 * nothing passes `timings`.
 */
import { DRILL_FAULTS } from '../config/objectives';
import { utcDay } from '../config/calendar';
import { startStack, type Stack, type StackOptions } from '../test/helpers/stack-env';
import { Timeline } from './timeline';

export interface DrillContext {
  stack: Stack;
  timeline: Timeline;
  /** The drill's day (YYYY-MM-DD) and the service time its window opened. */
  date: string;
  windowStart: number;
  teardown(): Promise<void>;
}

const HOUR = 3_600_000;

/** The next 02:00 UTC at least a few minutes after `now`. */
export function nextWindowStart(now: number): number {
  const d = new Date(now + 5 * 60_000);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), DRILL_FAULTS.windowStartUtcHour);
  return at > now + 60_000 ? at : at + 24 * HOUR;
}

export async function startDrillStack(options: Pick<StackOptions, 's3Faults' | 'partitionProxy'> = {}): Promise<DrillContext> {
  const windowStart = nextWindowStart(Date.now());
  const stack = await startStack({
    fiscalRows: DRILL_FAULTS.fiscalRows,
    radar: false,
    referenceTime: new Date(windowStart - 10 * 60_000),
    ...options,
  });
  try {
    const now = await stack.testEnv.currentTimeMs();
    if (windowStart > now) await stack.testEnv.sleep(windowStart - now);
    return { stack, timeline: new Timeline(stack), date: utcDay(new Date(windowStart)), windowStart, teardown: () => stack.teardown() };
  } catch (err) {
    await stack.teardown();
    throw err;
  }
}

/** Moves the service clock forward to `at` (time skips; timers due before it fire on the way). */
export async function skipTo(ctx: DrillContext, at: number): Promise<void> {
  const now = await ctx.timeline.now();
  if (at > now) await ctx.stack.testEnv.sleep(at - now);
}
