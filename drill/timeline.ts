/**
 * A drill's timeline: every event with its service-clock time (the Temporal
 * service's clock, which time skipping moves; never the machine's). Faults are
 * stamped by the drill when it injects them, alerts by the Slack and PagerDuty
 * receivers when they arrive, checks and workflow steps from the workflows'
 * own histories and clocks.
 */
import type { Stack } from '../test/helpers/stack-env';

export type EventKind = 'fault' | 'check' | 'alert' | 'page' | 'step' | 'data';

export interface DrillEvent {
  /** Service time, ms since the epoch. */
  at: number;
  kind: EventKind;
  label: string;
  /** ok | warning | critical for checks; the alert's severity for alerts. */
  level?: string;
}

const SLACK_SEVERITY = /^\[(INFO|WARNING|ERROR|CRITICAL)\] /;

export class Timeline {
  private readonly own: DrillEvent[] = [];

  constructor(private readonly stack: Stack) {
    const clock = () => stack.testEnv.currentTimeMs();
    stack.slack.setClock(clock);
    stack.pagerDuty.setClock(clock);
  }

  /** The service clock now. */
  now(): Promise<number> {
    return this.stack.testEnv.currentTimeMs();
  }

  /** Records an event at the service clock's now (faults and what the drill itself does). */
  async mark(kind: EventKind, label: string, level?: string): Promise<number> {
    const at = await this.now();
    this.own.push({ at, kind, label, level });
    return at;
  }

  add(event: DrillEvent): void {
    this.own.push(event);
  }

  /** Alerts as the receivers got them: Slack messages and PagerDuty events, with their arrival times. */
  alerts(): DrillEvent[] {
    const out: DrillEvent[] = [];
    for (const { entry, at } of this.stack.slack.receivedWithTimes()) {
      if (at === undefined) continue;
      const text = entry.text ?? '';
      const severity = SLACK_SEVERITY.exec(text)?.[1];
      out.push({ at, kind: 'alert', level: severity, label: `#${entry.channel} ${text.replace(SLACK_SEVERITY, '').slice(0, 140)}` });
    }
    for (const { entry, at } of this.stack.pagerDuty.receivedWithTimes()) {
      if (at === undefined) continue;
      out.push({ at, kind: 'page', level: entry.payload?.severity, label: `PagerDuty ${entry.event_action} ${entry.dedup_key}` });
    }
    return out;
  }

  /** Every event so far, oldest first. */
  events(extra: DrillEvent[] = []): DrillEvent[] {
    return [...this.own, ...this.alerts(), ...extra].sort((a, b) => a.at - b.at);
  }
}
