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
 * A table too big for one activity is read by one `syncTableToS3` per key
 * slice (input `slice`) and completed by `finishTableSync`
 * (workflows/table-sync.ts): its stream sums the slices (combineCalls). Small
 * tables synced together by one `syncTablesToS3` are each a stream of their
 * own (client/batch-progress.ts). A
 * stream scheduled again after it closed (a rerun of the day in a child) is
 * shown by its latest calls. Rates and time left: client/progress-format.ts.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { LoadedDataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { KeyBound, KeySlice } from '../activities/types';
import { sliceSpan } from '../activities/engine/extract-ranges';
import type { StreamProgress } from './progress-format';
import { heartbeatProgress } from './heartbeat-progress';
import { BATCH_ACTIVITY, batchCompleted, batchEnded, batchPending, batchScheduled, type BatchInput, type RecordTable } from './batch-progress';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

export { heartbeatProgress } from './heartbeat-progress';
export const SYNC_ACTIVITY = 'syncTableToS3';
/** Completes a table read in key slices (workflows/table-sync.ts). */
export const FINISH_ACTIVITY = 'finishTableSync';
const STREAM_ACTIVITIES = new Set([SYNC_ACTIVITY, FINISH_ACTIVITY]);
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

/** What one activity of a stream says: the whole table, one key slice of it, or the finish of a sliced table. */
export interface CallPart {
  state: StreamProgress['state'];
  rows: number;
  files: number;
  total?: number;
  attempt?: number;
  error?: string;
}

/** A stream's calls: read whole by one activity, or by one activity per key slice and completed by finishTableSync. */
export interface StreamCalls {
  whole?: CallPart;
  slices: Map<number, CallPart>;
  finish?: CallPart;
}

const closed = (p?: CallPart) => p?.state === 'done' || p?.state === 'failed';

/**
 * One stream from its calls. Read in slices: rows and files summed over the
 * slices, the total too once every slice has one; failed when a slice failed
 * (after its retries), done when the finish completed, running while any slice
 * runs or all landed and the finish is to come, waiting otherwise.
 */
export function combineCalls(calls: StreamCalls): Omit<StreamProgress, 'key' | 'system' | 'role' | 'stream'> {
  if (calls.slices.size === 0) return calls.whole ?? { state: 'pending', rows: 0, files: 0 };
  const parts = [...calls.slices.values()];
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const files = parts.reduce((n, p) => n + p.files, 0);
  if (calls.finish?.state === 'done') return { ...calls.finish, total: calls.finish.rows };
  const totals = parts.map((p) => p.total);
  const total = totals.every((t) => t !== undefined) ? (totals as number[]).reduce((n, t) => n + t, 0) : undefined;
  const attempt = Math.max(...parts.map((p) => p.attempt ?? 1), calls.finish?.attempt ?? 1);
  const common = { rows, files, ...(total === undefined ? {} : { total }), ...(attempt > 1 ? { attempt } : {}) };
  const failed = calls.finish?.state === 'failed' ? calls.finish : parts.find((p) => p.state === 'failed');
  if (failed) return { ...common, state: 'failed', ...(failed.error ? { error: failed.error } : {}) };
  const allLanded = parts.every((p) => p.state === 'done');
  const running = allLanded || parts.some((p) => p.state === 'running');
  const waiting = parts.find((p) => p.state === 'pending' && p.error);
  return { ...common, state: running ? 'running' : 'pending', ...(waiting?.error ? { error: waiting.error } : {}) };
}

interface SyncCall {
  order: number;
  input: SyncInput;
  calls: StreamCalls;
}

interface SyncInput {
  system?: string;
  role?: string;
  stream?: string;
  slice?: { bound?: KeyBound; slice?: KeySlice; count?: number };
}

/** Which part of its stream a call is: the whole table, slice N, or the finish. */
type PartOf = { kind: 'whole' } | { kind: 'slice'; index: number; span?: number } | { kind: 'finish' };
const WHOLE: PartOf = { kind: 'whole' };

function partOf(activityType: string, input: SyncInput): PartOf {
  if (activityType === FINISH_ACTIVITY) return { kind: 'finish' };
  const slice = input.slice?.slice;
  if (!slice || !input.slice?.bound) return { kind: 'whole' };
  let span: number | undefined;
  try {
    span = sliceSpan(slice, input.slice.bound);
  } catch {
    span = undefined;
  }
  return { kind: 'slice', index: Number(slice.index ?? 0), span };
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
  private readonly streams = new Map<string, SyncCall>();
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

  /** Records what a call of a stream says; a call scheduled after its stream closed (a rerun) starts the stream anew. */
  private record(input: SyncInput, part: PartOf, progress: CallPart, scheduled = false): void {
    const key = keyOf(input);
    let entry = this.streams.get(key);
    const calls = entry?.calls;
    const over = calls && (calls.slices.size === 0 ? closed(calls.whole) : closed(calls.finish));
    if (!entry || (scheduled && over)) {
      entry = { order: entry?.order ?? this.order++, input, calls: { slices: new Map() } };
      this.streams.set(key, entry);
    }
    if (part.kind === 'whole') entry.calls.whole = progress;
    else if (part.kind === 'finish') entry.calls.finish = progress;
    else entry.calls.slices.set(part.index, progress.total === undefined && part.span !== undefined ? { ...progress, total: part.span } : progress);
  }

  private current(input: SyncInput, part: PartOf): CallPart | undefined {
    const calls = this.streams.get(keyOf(input))?.calls;
    if (!calls) return undefined;
    return part.kind === 'whole' ? calls.whole : part.kind === 'finish' ? calls.finish : calls.slices.get(part.index);
  }

  /** Reads one run and, recursively, its children; returns the run's own status. */
  async readRun(workflowId: string, runId: string | undefined, depth: number): Promise<Omit<RunProgress, 'streams'>> {
    const handle = this.client.workflow.getHandle(workflowId, runId);
    const description = await handle.describe();
    const history = await handle.fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    const scheduled = new Map<string, { input: SyncInput; part: PartOf; activityId: string }>();
    const byActivityId = new Map<string, { input: SyncInput; part: PartOf }>();
    const children = new Map<string, { workflowId: string; runId?: string }>();
    const finished = new Set<string>();
    const batches = new Map<string, { input: BatchInput; activityId: string }>();
    const recordTable: RecordTable = (input, progress, scheduledNow) => this.record(input, WHOLE, progress, scheduledNow);
    const tableDone = (input: BatchInput) => (stream: string) => this.current({ ...input, stream }, WHOLE)?.state === 'done';
    for (const e of events) {
      const sched = e.activityTaskScheduledEventAttributes;
      const type = sched?.activityType?.name ?? '';
      if (sched && type === BATCH_ACTIVITY) {
        const input = ((await this.decode(sched.input)) ?? {}) as BatchInput;
        batches.set(String(e.eventId ?? ''), { input, activityId: sched.activityId ?? '' });
        batchScheduled(input, recordTable);
        continue;
      }
      const batchEvent = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      const batch = batchEvent ? batches.get(String(batchEvent.scheduledEventId)) : undefined;
      if (batch) {
        finished.add(batch.activityId);
        if (e.activityTaskCompletedEventAttributes) batchCompleted(batch.input, await this.decode(e.activityTaskCompletedEventAttributes.result), recordTable);
        else batchEnded(batch.input, failureMessage('failure' in batchEvent! ? batchEvent.failure : undefined) ?? (e.activityTaskCanceledEventAttributes ? 'cancelled' : 'timed out'), tableDone(batch.input), recordTable);
        continue;
      }
      if (sched && STREAM_ACTIVITIES.has(type)) {
        const input = ((await this.decode(sched.input)) ?? {}) as SyncInput;
        const call = { input, part: partOf(type, input), activityId: sched.activityId ?? '' };
        scheduled.set(String(e.eventId ?? ''), call);
        byActivityId.set(call.activityId, call);
        this.record(input, call.part, { state: 'pending', rows: 0, files: 0, ...(call.part.kind === 'slice' && call.part.span !== undefined ? { total: call.part.span } : {}) }, true);
        continue;
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done && scheduled.has(String(done.scheduledEventId))) {
        const call = scheduled.get(String(done.scheduledEventId))!;
        const result = ((await this.decode(done.result)) ?? {}) as { rows?: number; files?: number; slice?: { rows?: number; files?: number } };
        const rows = Number(result.slice?.rows ?? result.rows ?? 0);
        const files = Number(result.slice?.files ?? result.files ?? 0);
        this.record(call.input, call.part, { state: 'done', rows, files, total: rows });
        finished.add(call.activityId);
        continue;
      }
      const ended = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      if (ended && scheduled.has(String(ended.scheduledEventId))) {
        const call = scheduled.get(String(ended.scheduledEventId))!;
        const failure = 'failure' in ended ? ended.failure : undefined;
        const last = this.current(call.input, call.part);
        this.record(call.input, call.part, {
          state: 'failed',
          rows: last?.rows ?? 0,
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
    const pendingBatches = new Map([...batches.values()].map((b) => [b.activityId, b.input]));
    for (const a of description.raw.pendingActivities ?? []) {
      const batchInput = pendingBatches.get(a.activityId ?? '');
      if (batchInput && !finished.has(a.activityId ?? '')) {
        const details = await this.decode(a.heartbeatDetails);
        batchPending(batchInput, details, { running: Number(a.state) === 2, attempt: a.attempt ?? 1, progress: heartbeatProgress(details) }, recordTable);
        continue;
      }
      const call = byActivityId.get(a.activityId ?? '');
      if (!call || finished.has(a.activityId ?? '')) continue;
      const p = heartbeatProgress(await this.decode(a.heartbeatDetails));
      // PENDING_ACTIVITY_STATE_STARTED (2): a worker runs it; else scheduled, or waiting for its retry
      const running = Number(a.state) === 2;
      const attempt = a.attempt ?? 1;
      // waiting for a retry: why the last attempt failed
      const error = attempt > 1 ? failureMessage(a.lastFailure) : undefined;
      this.record(call.input, call.part, { state: running ? 'running' : 'pending', ...p, attempt, ...(error ? { error } : {}) });
    }
    for (const c of description.raw.pendingChildren ?? []) {
      if (c.workflowId) children.set(`${c.workflowId}/${c.runId ?? ''}`, { workflowId: c.workflowId, runId: c.runId ?? undefined });
    }
    if (depth < MAX_DEPTH) {
      for (const c of children.values()) {
        // a child not started yet, or already gone from the service, adds nothing
        await this.readRun(c.workflowId, c.runId, depth + 1).catch(() => undefined);
      }
    }
    const status = description.status.name;
    return { workflowId, runId: description.runId, workflowType: description.type, status, closed: status !== 'RUNNING' };
  }

  result(): StreamProgress[] {
    return [...this.streams.values()]
      .sort((a, b) => a.order - b.order)
      .map(({ input, calls }) => ({ key: keyOf(input), system: String(input.system ?? '?'), role: String(input.role ?? 'primary'), stream: String(input.stream ?? '?'), ...combineCalls(calls) }));
  }
}

function keyOf(input: SyncInput): string {
  return `${String(input.system ?? '?')}/${String(input.role ?? 'primary')}/${String(input.stream ?? '?')}`;
}

/** The streams of a workflow's run (the latest run without `runId`) and its children, with the run's status. */
export async function readRunProgress(client: Client, workflowId: string, runId?: string): Promise<RunProgress> {
  const reader = new Reader(client);
  const run = await reader.readRun(workflowId, runId, 0);
  return { ...run, streams: reader.result() };
}
