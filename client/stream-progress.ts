/**
 * Progress a person can read, the reading half: for a workflow id, every
 * stream its run (and its children's runs, recursively) has synced or is
 * syncing, from Temporal itself:
 *   - the history's ActivityTaskScheduled of `syncTableToS3` names the stream
 *     (its input `{ system, role, stream, date, bucket }`);
 *   - a pending activity (DescribeWorkflowExecution's pendingActivities) is
 *     running or waiting, its last heartbeat details
 *     `{ ...checkpoint, progress: { rows, files, total? } }` the rows done;
 *   - ActivityTaskCompleted carries the result `{ stream, rows, files, ... }`;
 *     failed, timed out or cancelled (after its retries) is failed.
 * A stream scheduled again later (a rerun of the day in a child) is shown by
 * its latest call. Rates and time left: client/progress-format.ts.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { LoadedDataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { StreamProgress } from './progress-format';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

export const SYNC_ACTIVITY = 'syncTableToS3';
/** How deep children are followed (a schedule's run → the day's run → a recovery's rerun …). */
const MAX_DEPTH = 4;

export interface RunProgress {
  workflowId: string;
  runId?: string;
  workflowType: string;
  /** RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  status: string;
  closed: boolean;
  /** Streams in the order first scheduled. */
  streams: StreamProgress[];
}

interface SyncCall {
  order: number;
  input: { system?: string; role?: string; stream?: string };
  progress?: StreamProgress;
}

/** Rows/files/total of a heartbeat's details, whatever of them is there. */
export function heartbeatProgress(details: unknown): { rows: number; files: number; total?: number } {
  const d = (details ?? {}) as { progress?: { rows?: unknown; files?: unknown; total?: unknown }; rows?: unknown; files?: unknown };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  // before the first progress report only a checkpoint may be there (an earlier attempt's)
  const rows = num(d.progress?.rows) ?? num(d.rows) ?? 0;
  const files = num(d.progress?.files) ?? num(d.files) ?? 0;
  const total = num(d.progress?.total);
  return total === undefined ? { rows, files } : { rows, files, total };
}

function oneLine(text: string | null | undefined): string | undefined {
  return text ? text.split('\n')[0].slice(0, 200) : undefined;
}

function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  let f = failure;
  // an activity's own message is under the retry's "activity failed" wrapper
  while (f?.cause && /^activity (task )?(failed|timed out)/i.test(f.message ?? '')) f = f.cause;
  return oneLine(f?.message);
}

class Reader {
  private readonly converter: LoadedDataConverter;
  private readonly calls = new Map<string, SyncCall>();
  private order = 0;

  constructor(private readonly client: Client) {
    this.converter = client.workflow.options.loadedDataConverter;
  }

  private async decode(payloads: Payloads): Promise<unknown> {
    if (!payloads?.payloads?.length) return undefined;
    try {
      return await decodeFromPayloadsAtIndex(this.converter, 0, payloads.payloads);
    } catch {
      return undefined;
    }
  }

  private record(input: SyncCall['input'], progress: Omit<StreamProgress, 'key' | 'system' | 'role' | 'stream'>): void {
    const system = String(input.system ?? '?');
    const role = String(input.role ?? 'primary');
    const stream = String(input.stream ?? '?');
    const key = `${system}/${role}/${stream}`;
    const earlier = this.calls.get(key);
    this.calls.set(key, { order: earlier?.order ?? this.order++, input, progress: { key, system, role, stream, ...progress } });
  }

  /** Reads one run and, recursively, its children; returns the run's own status. */
  async readRun(workflowId: string, runId: string | undefined, depth: number): Promise<Omit<RunProgress, 'streams'>> {
    const handle = this.client.workflow.getHandle(workflowId, runId);
    const description = await handle.describe();
    const history = await handle.fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    const scheduled = new Map<string, { input: SyncCall['input']; activityId: string }>();
    const byActivityId = new Map<string, SyncCall['input']>();
    const children = new Map<string, { workflowId: string; runId?: string }>();
    const finished = new Set<string>();
    for (const e of events) {
      const id = String(e.eventId ?? '');
      const sched = e.activityTaskScheduledEventAttributes;
      if (sched && sched.activityType?.name === SYNC_ACTIVITY) {
        const input = ((await this.decode(sched.input)) ?? {}) as SyncCall['input'];
        scheduled.set(id, { input, activityId: sched.activityId ?? '' });
        byActivityId.set(sched.activityId ?? '', input);
        this.record(input, { state: 'pending', rows: 0, files: 0 });
        continue;
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done && scheduled.has(String(done.scheduledEventId))) {
        const call = scheduled.get(String(done.scheduledEventId))!;
        const result = ((await this.decode(done.result)) ?? {}) as { rows?: number; files?: number };
        const rows = Number(result.rows ?? 0);
        this.record(call.input, { state: 'done', rows, files: Number(result.files ?? 0), total: rows });
        finished.add(call.activityId);
        continue;
      }
      const ended = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      if (ended && scheduled.has(String(ended.scheduledEventId))) {
        const call = scheduled.get(String(ended.scheduledEventId))!;
        const failure = 'failure' in ended ? ended.failure : undefined;
        const details = 'details' in ended ? await this.decode(ended.details) : undefined;
        const last = this.calls.get(keyOf(call.input))?.progress;
        this.record(call.input, {
          state: 'failed',
          rows: last?.rows ?? heartbeatProgress(details).rows,
          files: last?.files ?? 0,
          ...(last?.total === undefined ? {} : { total: last.total }),
          error: failureMessage(failure) ?? (e.activityTaskCanceledEventAttributes ? 'cancelled' : 'timed out'),
        });
        finished.add(call.activityId);
        continue;
      }
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) children.set(`${child.workflowId}/${child.runId ?? ''}`, { workflowId: child.workflowId, runId: child.runId ?? undefined });
    }
    for (const a of description.raw.pendingActivities ?? []) {
      if (a.activityType?.name !== SYNC_ACTIVITY || finished.has(a.activityId ?? '')) continue;
      const input = byActivityId.get(a.activityId ?? '');
      if (!input) continue;
      const p = heartbeatProgress(await this.decode(a.heartbeatDetails));
      // PENDING_ACTIVITY_STATE_STARTED (2): a worker runs it; else scheduled, or waiting for its retry
      const running = Number(a.state) === 2;
      const attempt = a.attempt ?? 1;
      // waiting for a retry: why the last attempt failed
      const error = attempt > 1 ? failureMessage(a.lastFailure) : undefined;
      this.record(input, { state: running ? 'running' : 'pending', ...p, attempt, ...(error ? { error } : {}) });
    }
    for (const c of description.raw.pendingChildren ?? []) {
      if (c.workflowId) children.set(`${c.workflowId}/${c.runId ?? ''}`, { workflowId: c.workflowId, runId: c.runId ?? undefined });
    }
    if (depth < MAX_DEPTH) {
      const seen = new Set<string>();
      for (const c of children.values()) {
        const id = `${c.workflowId}/${c.runId ?? ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        // a child not started yet, or already gone from the service, adds nothing
        await this.readRun(c.workflowId, c.runId, depth + 1).catch(() => undefined);
      }
    }
    const status = description.status.name;
    return { workflowId, runId: description.runId, workflowType: description.type, status, closed: status !== 'RUNNING' };
  }

  streams(): StreamProgress[] {
    return [...this.calls.values()].sort((a, b) => a.order - b.order).flatMap((c) => (c.progress ? [c.progress] : []));
  }
}

function keyOf(input: SyncCall['input']): string {
  return `${String(input.system ?? '?')}/${String(input.role ?? 'primary')}/${String(input.stream ?? '?')}`;
}

/** The streams of a workflow's run (the latest run without `runId`) and its children, with the run's status. */
export async function readRunProgress(client: Client, workflowId: string, runId?: string): Promise<RunProgress> {
  const reader = new Reader(client);
  const run = await reader.readRun(workflowId, runId, 0);
  return { ...run, streams: reader.streams() };
}
