import { temporal } from '@temporalio/proto';
import { ScheduleDefinition, describeDefinition } from './schedule-definition';
import { nextFireTimes } from './schedule-spec';
import { msToProto, toLong } from './schedule-timestamps';

type ActionResult = temporal.api.schedule.v1.IScheduleActionResult;
type Execution = temporal.api.common.v1.IWorkflowExecution;

/** How many recent actions and future action times a description carries, as in Temporal. */
export const INFO_LENGTH = 10;

/** An action taken outside the spec (trigger or backfill) waiting for its turn. */
export interface ManualAction {
  nominalMs: number;
  overlap: temporal.api.enums.v1.ScheduleOverlapPolicy;
}

/** One schedule's full state in the registry. */
export interface ScheduleEntry {
  id: string;
  def: ScheduleDefinition;
  memo: temporal.api.common.v1.IMemo | null;
  searchAttributes: temporal.api.common.v1.ISearchAttributes | null;
  /** Spec times strictly after this instant have not been processed yet. */
  cursorMs: number;
  manual: ManualAction[];
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  recent: ActionResult[];
  running: Execution[];
  createMs: number;
  updateMs?: number;
  revision: number;
}

/** The next spec times from now on (or from the unprocessed cursor), bounded by remaining actions. */
export function futureActionTimes(entry: ScheduleEntry, nowMs: number): number[] {
  const { def } = entry;
  const count = def.limitedActions ? Math.min(def.remainingActions, INFO_LENGTH) : INFO_LENGTH;
  if (count <= 0) return [];
  return nextFireTimes(def.compiled, Math.max(entry.cursorMs, nowMs), count);
}

export function scheduleInfo(entry: ScheduleEntry, nowMs: number): temporal.api.schedule.v1.IScheduleInfo {
  return {
    actionCount: toLong(entry.actionCount),
    missedCatchupWindow: toLong(entry.missedCatchupWindow),
    overlapSkipped: toLong(entry.overlapSkipped),
    bufferDropped: toLong(0),
    bufferSize: toLong(0),
    runningWorkflows: entry.running,
    recentActions: entry.recent,
    futureActionTimes: futureActionTimes(entry, nowMs).map(msToProto),
    createTime: msToProto(entry.createMs),
    updateTime: entry.updateMs === undefined ? null : msToProto(entry.updateMs),
  };
}

export function describeEntry(entry: ScheduleEntry, nowMs: number): temporal.api.workflowservice.v1.IDescribeScheduleResponse {
  return {
    schedule: describeDefinition(entry.def),
    info: scheduleInfo(entry, nowMs),
    memo: entry.memo,
    searchAttributes: entry.searchAttributes,
    conflictToken: Buffer.from(String(entry.revision)),
  };
}

export function listEntry(entry: ScheduleEntry, nowMs: number): temporal.api.schedule.v1.IScheduleListEntry {
  const { def } = entry;
  return {
    scheduleId: entry.id,
    memo: entry.memo,
    searchAttributes: entry.searchAttributes,
    info: {
      spec: def.schedule.spec,
      workflowType: def.action.workflowType,
      notes: def.notes,
      paused: def.paused,
      recentActions: entry.recent,
      futureActionTimes: futureActionTimes(entry, nowMs).map(msToProto),
    },
  };
}
