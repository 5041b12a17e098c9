import { enums, long, toTimestamp, type HistoryEvent } from './proto';

export type EventType = (typeof enums.EventType)[keyof typeof enums.EventType];

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` -> `activityTaskScheduledEventAttributes`. */
export function attributesKey(type: number): string {
  const name = enums.EventType[type] as unknown as string;
  const camel = name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return `${camel}EventAttributes`;
}

/** Close events a run can end with. */
const CLOSE_EVENTS = new Set<number>([
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  enums.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

export function isCloseEvent(event: HistoryEvent): boolean {
  return CLOSE_EVENTS.has(Number(event.eventType));
}

let nextTaskId = 1;

/** The event history of one run, with waiters for long polls on new events. */
export class HistoryLog {
  readonly events: HistoryEvent[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly now: () => number) {}

  get nextEventId(): number {
    return this.events.length + 1;
  }

  get lastEvent(): HistoryEvent | undefined {
    return this.events[this.events.length - 1];
  }

  append(type: number, attributes: object): HistoryEvent {
    const event: HistoryEvent = {
      eventId: long(this.nextEventId),
      eventTime: toTimestamp(this.now()),
      eventType: type,
      version: long(0),
      taskId: long(nextTaskId++),
      [attributesKey(type)]: attributes,
    } as unknown as HistoryEvent;
    this.events.push(event);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return event;
  }

  /** Drops the events after `lastEventId` (a speculative workflow task that left nothing to keep). */
  truncate(lastEventId: number): void {
    this.events.length = Math.min(this.events.length, lastEventId);
  }

  /** Resolves when an event is appended or after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Approximate encoded size, reported on WorkflowTaskStarted. */
  approximateSizeBytes(): number {
    return this.events.length * 200;
  }
}
