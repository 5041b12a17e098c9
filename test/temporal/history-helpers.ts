import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** `EVENT_TYPE_ACTIVITY_TASK_STARTED` -> `ActivityTaskStarted`. */
export function eventTypeName(event: HistoryEvent): string {
  const name = proto.api.enums.v1.EventType[Number(event.eventType)] as unknown as string;
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export function typesOf(history: History): string[] {
  return (history.events ?? []).map(eventTypeName);
}

export function eventsOf(history: History, type: string): HistoryEvent[] {
  return (history.events ?? []).filter((e) => eventTypeName(e) === type);
}
