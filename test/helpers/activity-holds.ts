import { Context } from '@temporalio/activity';
/**
 * The stack's view of the worker's activities: every call recorded, and holds a
 * test places on the next matching call (the activity is in flight, so the
 * clock does not skip, until the test releases it).
 */
import type { Activities } from '../../activities/types';
import type { ActivityCall, ActivityHold } from './stack-env';

export interface PendingHold {
  name: string;
  match?: (input: any) => boolean;
  reach: (input: unknown) => void;
  released: Promise<void>;
}

/** Wraps each real activity: records the call and waits on a hold placed by the test, then runs it unchanged. */
export function observed(activities: Activities, calls: ActivityCall[], holds: PendingHold[], serviceNow: () => Promise<number>): Activities {
  const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (input: unknown) => Promise<unknown>][]) {
    wrapped[name] = async (input: unknown) => {
      // When this attempt ran, on the service clock (a retry's own time, which the history does not keep).
      calls.push({ name, input, calledAt: await serviceNow(), workflowId: Context.current().info.workflowExecution?.workflowId ?? '' });
      const i = holds.findIndex((h) => h.name === name && (!h.match || h.match(input)));
      if (i >= 0) {
        const [hold] = holds.splice(i, 1);
        hold.reach(input);
        await hold.released;
      }
      return fn(input);
    };
  }
  return wrapped as unknown as Activities;
}

/** Places a hold on the next call of `name` matching `match`. */
export function placeHold(holds: PendingHold[], name: string, match?: (input: any) => boolean): ActivityHold {
  let reach!: (input: unknown) => void;
  let release!: () => void;
  const reached = new Promise<unknown>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  holds.push({ name, match, reach, released });
  return { reached, release };
}

/** The service-clock gaps between consecutive calls, in ms. */
export const gapsBetween = (calls: { calledAt: number }[]): number[] => calls.slice(1).map((c, i) => c.calledAt - calls[i].calledAt);
