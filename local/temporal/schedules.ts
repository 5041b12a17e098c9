import { status } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { ServiceError, alreadyExists, invalidArgument, notFound } from './errors';
import { ScheduleDefinition, defineSchedule } from './schedule-definition';
import { INFO_LENGTH, ManualAction, ScheduleEntry, describeEntry, listEntry } from './schedule-info';
import { patchActions } from './schedule-patch';
import { nextFireTime, nextFireTimes } from './schedule-spec';
import { scheduledStartRequest } from './schedule-start';
import { msToProto } from './schedule-timestamps';

import ws = temporal.api.workflowservice.v1;
const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;

/** What the schedules need from the service that hosts them. */
export interface ScheduleHost {
  /** ms since epoch on the service clock */
  now(): number;
  /** Throws ServiceError ALREADY_EXISTS when a workflow with that id runs. */
  startWorkflow(req: ws.IStartWorkflowExecutionRequest): Promise<{ runId: string }>;
  /** The next fire time may have changed: re-arm the timer (or time skipping) from nextFireTime(). */
  wake(): void;
  /**
   * Optional: whether the run started by a schedule is still open. Without it the registry cannot
   * tell, treats started runs as finished, and the SKIP overlap policy only skips on ALREADY_EXISTS.
   */
  isRunning?(workflowId: string, runId: string): boolean;
  /** Optional: a spec-driven start failed (the fire is consumed). Defaults to one line on stderr. */
  onActionFailed?(scheduleId: string, workflowId: string, error: Error): void;
}

/** Bounds that keep one pass over a schedule short, however far the clock jumped. */
const MAX_ACTIONS_PER_PASS = 1000;
const MAX_MISSED_COUNTED = 100_000;
const DEFAULT_PAGE_SIZE = 1000;

/** One action claimed for a schedule, with the definition it was claimed under. */
interface PlannedAction extends ManualAction {
  entry: ScheduleEntry;
  def: ScheduleDefinition;
  manual: boolean;
}

/**
 * Temporal Schedules for one namespace of the local service: the six schedule RPCs plus the
 * firing loop. The host calls fireDue() whenever host.now() reaches nextFireTime() and re-reads
 * nextFireTime() afterwards. Jitter is not applied; time zones other than UTC are rejected.
 */
export class ScheduleRegistry {
  private readonly entries = new Map<string, ScheduleEntry>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: ScheduleHost,
    private readonly namespace: string,
  ) {}

  create(req: ws.ICreateScheduleRequest): ws.ICreateScheduleResponse {
    this.checkNamespace(req.namespace);
    const id = req.scheduleId ?? '';
    if (id.trim() === '') throw invalidArgument('schedule_id is required');
    if (this.entries.has(id)) throw alreadyExists(`schedule ${id}`);
    const def = defineSchedule(req.schedule);
    const now = this.host.now();
    const entry: ScheduleEntry = {
      id,
      def,
      memo: req.memo ?? null,
      searchAttributes: req.searchAttributes ?? null,
      cursorMs: now,
      manual: [],
      actionCount: 0,
      missedCatchupWindow: 0,
      overlapSkipped: 0,
      recent: [],
      running: [],
      createMs: now,
      revision: 1,
    };
    entry.manual = patchActions(def, req.initialPatch, now, 'initial_patch');
    this.entries.set(id, entry);
    this.host.wake();
    return { conflictToken: Buffer.from(String(entry.revision)) };
  }

  describe(req: ws.IDescribeScheduleRequest): ws.IDescribeScheduleResponse {
    this.checkNamespace(req.namespace);
    const entry = this.entry(req.scheduleId);
    this.refreshRunning(entry);
    return describeEntry(entry, this.host.now());
  }

  list(req: ws.IListSchedulesRequest): ws.IListSchedulesResponse {
    this.checkNamespace(req.namespace);
    if (req.query && req.query.trim() !== '') {
      throw invalidArgument('query: filtering schedules is not supported by the local Temporal service');
    }
    const pageSize = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : DEFAULT_PAGE_SIZE;
    const after = req.nextPageToken && req.nextPageToken.length > 0 ? Buffer.from(req.nextPageToken).toString('utf8') : undefined;
    const ids = [...this.entries.keys()].sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, pageSize);
    const now = this.host.now();
    return {
      schedules: page.map((id) => listEntry(this.entries.get(id)!, now)),
      nextPageToken: ids.length > pageSize ? Buffer.from(page[page.length - 1], 'utf8') : Buffer.alloc(0),
    };
  }

  update(req: ws.IUpdateScheduleRequest): ws.IUpdateScheduleResponse {
    this.checkNamespace(req.namespace);
    const entry = this.entry(req.scheduleId);
    const def = defineSchedule(req.schedule);
    const now = this.host.now();
    entry.def = def;
    entry.cursorMs = Math.max(entry.cursorMs, now); // the new spec applies from now on
    if (req.searchAttributes) entry.searchAttributes = req.searchAttributes;
    entry.updateMs = now;
    entry.revision++;
    this.host.wake();
    return {};
  }

  /** Pause/unpause apply at once; trigger_immediately and backfills have started when this resolves. */
  async patch(req: ws.IPatchScheduleRequest): Promise<ws.IPatchScheduleResponse> {
    this.checkNamespace(req.namespace);
    const entry = this.entry(req.scheduleId);
    const patch = req.patch ?? {};
    const now = this.host.now();
    const { def } = entry;
    const actions = patchActions(def, patch, now, 'patch');
    if (patch.pause) {
      def.paused = true;
      def.notes = patch.pause;
    }
    if (patch.unpause) {
      def.paused = false;
      def.notes = patch.unpause;
      entry.cursorMs = Math.max(entry.cursorMs, now); // times passed while paused are dropped
    }
    if (patch.pause || patch.unpause) {
      entry.updateMs = now;
      entry.revision++;
    }
    const planned = actions.map((a) => ({ entry, def, ...a, manual: true }));
    try {
      await this.serialise(async () => {
        for (const action of planned) await this.takeAction(action, true);
      });
    } finally {
      this.host.wake();
    }
    return {};
  }

  delete(req: ws.IDeleteScheduleRequest): ws.IDeleteScheduleResponse {
    this.checkNamespace(req.namespace);
    const entry = this.entry(req.scheduleId);
    this.entries.delete(entry.id);
    this.host.wake();
    return {};
  }

  /** Earliest pending fire time over all schedules (queued triggers count as due now). */
  nextFireTime(): number | undefined {
    let best: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (best === undefined || t < best)) best = t;
    };
    for (const entry of this.entries.values()) {
      if (entry.manual.length > 0) consider(entry.cursorMs);
      const { def } = entry;
      if (def.paused || (def.limitedActions && def.remainingActions <= 0)) continue;
      consider(nextFireTime(def.compiled, entry.cursorMs));
    }
    return best;
  }

  /**
   * Takes every action due at or before host.now(). The due times are claimed (cursors advanced)
   * before this returns, so nextFireTime() already looks past them; the starts run in order
   * afterwards. Never rejects: failed starts go to host.onActionFailed.
   */
  fireDue(): Promise<void> {
    const now = this.host.now();
    const planned = [...this.entries.values()].flatMap((entry) => this.claimDue(entry, now));
    return this.serialise(async () => {
      for (const action of planned) {
        try {
          await this.takeAction(action, false);
        } catch (err) {
          this.reportFailure(action.entry.id, '(start request)', err as Error);
        }
      }
    });
  }

  private claimDue(entry: ScheduleEntry, now: number): PlannedAction[] {
    const { def } = entry;
    const planned: PlannedAction[] = entry.manual.splice(0).map((a) => ({ entry, def, ...a, manual: true }));
    if (def.paused) {
      entry.cursorMs = Math.max(entry.cursorMs, now);
      return planned;
    }
    const windowStart = now - def.catchupMs;
    if (entry.cursorMs < windowStart) {
      entry.missedCatchupWindow += nextFireTimes(def.compiled, entry.cursorMs, MAX_MISSED_COUNTED, windowStart).length;
      entry.cursorMs = windowStart;
    }
    const limit = def.limitedActions ? Math.min(def.remainingActions, MAX_ACTIONS_PER_PASS) : MAX_ACTIONS_PER_PASS;
    for (let claimed = 0; claimed < limit; claimed++) {
      const t = nextFireTime(def.compiled, entry.cursorMs);
      if (t === undefined || t > now) break;
      entry.cursorMs = t;
      planned.push({ entry, def, nominalMs: t, overlap: def.overlap, manual: false });
    }
    return planned;
  }

  /** Starts one run unless SKIP finds one still open. Manual actions do not use up limited actions. */
  private async takeAction(action: PlannedAction, rethrow: boolean): Promise<void> {
    const { entry, def, nominalMs, overlap, manual } = action;
    // A schedule deleted or replaced since the action was claimed only keeps its manual actions.
    if (this.entries.get(entry.id) !== entry || (!manual && entry.def !== def)) return;
    if (!manual && (def.paused || (def.limitedActions && def.remainingActions <= 0))) return;
    this.refreshRunning(entry);
    if (overlap === Overlap.SCHEDULE_OVERLAP_POLICY_SKIP && entry.running.length > 0) {
      entry.overlapSkipped++;
      return;
    }
    const req = scheduledStartRequest(this.namespace, entry.id, entry.def.action, nominalMs, entry.def.keepOriginalWorkflowId);
    const actualMs = this.host.now();
    let runId: string;
    try {
      ({ runId } = await this.host.startWorkflow(req));
    } catch (err) {
      if (err instanceof ServiceError && err.code === status.ALREADY_EXISTS) {
        entry.overlapSkipped++;
        return;
      }
      if (rethrow) throw err;
      this.reportFailure(entry.id, req.workflowId!, err as Error);
      return;
    }
    entry.actionCount++;
    if (!manual && def.limitedActions) def.remainingActions--;
    const execution = { workflowId: req.workflowId!, runId };
    entry.recent.push({
      scheduleTime: msToProto(nominalMs),
      actualTime: msToProto(actualMs),
      startWorkflowResult: execution,
    });
    if (entry.recent.length > INFO_LENGTH) entry.recent.splice(0, entry.recent.length - INFO_LENGTH);
    entry.running.push(execution);
  }

  private refreshRunning(entry: ScheduleEntry): void {
    const isRunning = this.host.isRunning?.bind(this.host);
    entry.running = isRunning ? entry.running.filter((w) => isRunning(w.workflowId ?? '', w.runId ?? '')) : [];
  }

  private reportFailure(scheduleId: string, workflowId: string, error: Error): void {
    if (this.host.onActionFailed) this.host.onActionFailed(scheduleId, workflowId, error);
    else console.error(`schedule ${scheduleId}: starting ${workflowId} failed: ${error.message}`);
  }

  private checkNamespace(namespace: string | null | undefined): void {
    if (namespace && namespace !== this.namespace) throw notFound(`namespace ${namespace}`);
  }

  private entry(scheduleId: string | null | undefined): ScheduleEntry {
    const entry = this.entries.get(scheduleId ?? '');
    if (!entry) throw notFound(`schedule ${scheduleId ?? ''}`);
    return entry;
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
