/**
 * Reading activity attempts and workers from a workflow's history: which
 * attempt of a stream's sync completed, and which worker started each activity.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRun {
  activityType: string;
  /** The stream or table of a sync activity, when its input names one. */
  stream?: string;
  attempt: number;
  identity: string;
  completed: boolean;
  failed: boolean;
}

function inputOf(e: HistoryEvent): Record<string, unknown> | undefined {
  const data = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Every activity the workflow ran, in scheduling order, with its last started attempt and who ran it. */
export async function activityRuns(handle: WorkflowHandle): Promise<ActivityRun[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const runs = new Map<number, ActivityRun>();
  for (const e of events) {
    const id = Number(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const input = inputOf(e);
      const stream = typeof input?.stream === 'string' ? input.stream : typeof input?.table === 'string' ? input.table : undefined;
      runs.set(id, { activityType: scheduled.activityType?.name ?? '', stream, attempt: 0, identity: '', completed: false, failed: false });
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const run = runs.get(Number(started.scheduledEventId));
      if (run) Object.assign(run, { attempt: started.attempt ?? 1, identity: started.identity ?? '' });
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) {
      const run = runs.get(Number(completed.scheduledEventId));
      if (run) run.completed = true;
    }
    const failed = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (failed) {
      const run = runs.get(Number(failed.scheduledEventId));
      if (run) run.failed = true;
    }
  }
  return [...runs.values()];
}

/** The attempt at which the sync of `stream` completed (undefined when it did not). */
export async function completedAttempt(handle: WorkflowHandle, stream: string): Promise<number | undefined> {
  const run = (await activityRuns(handle)).find((r) => r.activityType === 'syncTableToS3' && r.stream === stream && r.completed);
  return run?.attempt;
}
