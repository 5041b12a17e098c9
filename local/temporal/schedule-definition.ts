import { temporal } from '@temporalio/proto';
import { invalidArgument } from './errors';
import { CompiledSpec, prepareScheduleSpec } from './schedule-spec';
import { msToProto, protoToMs, toLong } from './schedule-timestamps';
import Long from 'long';

type Schedule = temporal.api.schedule.v1.ISchedule;
type NewWorkflow = temporal.api.workflow.v1.INewWorkflowExecutionInfo;
const Overlap = temporal.api.enums.v1.ScheduleOverlapPolicy;
export type OverlapPolicy = temporal.api.enums.v1.ScheduleOverlapPolicy;

/** Temporal's default catch-up window: one year. */
export const DEFAULT_CATCHUP_MS = 365 * 86_400_000;
/** Temporal's smallest catch-up window. */
export const MIN_CATCHUP_MS = 10_000;

const SUPPORTED_OVERLAP = new Set<OverlapPolicy>([Overlap.SCHEDULE_OVERLAP_POLICY_SKIP, Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL]);

/** A schedule as the service keeps it: the described form plus what firing needs. */
export interface ScheduleDefinition {
  schedule: Schedule;
  compiled: CompiledSpec;
  action: NewWorkflow;
  overlap: OverlapPolicy;
  catchupMs: number;
  keepOriginalWorkflowId: boolean;
  paused: boolean;
  notes: string;
  limitedActions: boolean;
  remainingActions: number;
}

const required = (value: string | null | undefined, field: string): string => {
  if (!value || value.trim() === '') throw invalidArgument(`${field} is required`);
  return value;
};

/** Validates an overlap policy from a request: unspecified means `fallback`; only SKIP and ALLOW_ALL run here. */
export function resolveOverlap(policy: OverlapPolicy | null | undefined, fallback: OverlapPolicy, field: string): OverlapPolicy {
  if (policy === null || policy === undefined || policy === Overlap.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) return fallback;
  if (!SUPPORTED_OVERLAP.has(policy)) {
    const name = Overlap[policy] ?? String(policy);
    throw invalidArgument(`${field} ${name} is not supported by the local Temporal service (use SKIP or ALLOW_ALL)`);
  }
  return policy;
}

/**
 * Validates the Schedule of a create or update request and fills in the server's defaults
 * (compiled spec, SKIP overlap, one-year catch-up window). Errors name the offending field.
 */
export function defineSchedule(input: Schedule | null | undefined): ScheduleDefinition {
  if (!input) throw invalidArgument('schedule is required');
  const { spec, compiled } = prepareScheduleSpec(input.spec, 'spec');
  const start = input.action?.startWorkflow;
  if (!start) throw invalidArgument('schedule.action.start_workflow is required');
  required(start.workflowId, 'schedule.action.start_workflow.workflow_id');
  required(start.workflowType?.name, 'schedule.action.start_workflow.workflow_type.name');
  required(start.taskQueue?.name, 'schedule.action.start_workflow.task_queue.name');

  const policies = input.policies ?? {};
  const overlap = resolveOverlap(policies.overlapPolicy, Overlap.SCHEDULE_OVERLAP_POLICY_SKIP, 'schedule.policies.overlap_policy');
  if (policies.pauseOnFailure) {
    throw invalidArgument('schedule.policies.pause_on_failure is not supported by the local Temporal service');
  }
  const catchupMs = Math.max(protoToMs(policies.catchupWindow) ?? DEFAULT_CATCHUP_MS, MIN_CATCHUP_MS);

  const state = input.state ?? {};
  const remaining = state.remainingActions === null || state.remainingActions === undefined ? 0 : Long.fromValue(state.remainingActions).toNumber();
  if (state.limitedActions && remaining < 0) throw invalidArgument('schedule.state.remaining_actions must not be negative');
  const definition: ScheduleDefinition = {
    schedule: {},
    compiled,
    action: start,
    overlap,
    catchupMs,
    keepOriginalWorkflowId: policies.keepOriginalWorkflowId === true,
    paused: state.paused === true,
    notes: state.notes ?? '',
    limitedActions: state.limitedActions === true,
    remainingActions: state.limitedActions ? remaining : 0,
  };
  definition.schedule = describeDefinition(definition, spec);
  return definition;
}

/** The Schedule message for a definition, with its current state. */
export function describeDefinition(d: ScheduleDefinition, spec = d.schedule.spec): Schedule {
  return {
    spec,
    action: { startWorkflow: d.action },
    policies: {
      overlapPolicy: d.overlap,
      catchupWindow: msToProto(d.catchupMs),
      pauseOnFailure: false,
      keepOriginalWorkflowId: d.keepOriginalWorkflowId,
    },
    state: {
      paused: d.paused,
      notes: d.notes,
      limitedActions: d.limitedActions,
      remainingActions: toLong(d.remainingActions),
    },
  };
}
