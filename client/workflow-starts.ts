/**
 * Starting workflows from the operator's side with the same JSON the Temporal
 * UI takes: the input is validated with the workflows' own parsers before
 * anything starts, and the workflow id follows workflows/ids.ts so Temporal
 * refuses (or joins) duplicate work:
 * - daily syncs: a day that ran is refused, a day that failed may run again
 *   (reuse ALLOW_DUPLICATE_FAILED_ONLY), a running day is refused (conflict FAIL);
 * - health monitors and recoveries: a running one is joined (conflict USE_EXISTING).
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { SystemName } from '../config/pipelines';
import { utcDay } from '../config/calendar';
import { dailySyncId, healthMonitorId, reconciliationId, recoveryId } from '../workflows/ids';
import {
  parseAcodeDailySyncInput,
  parseHealthMonitorInput,
  parseRadarDailySyncInput,
  parseReconciliationInput,
  parseRecoveryInput,
} from '../workflows/inputs';
import type { ClientSettings } from './connection';
import { SYSTEMS } from '../config/pipelines';

export const WORKFLOW_TYPES = ['acodeDailySync', 'radarDailySync', 'healthMonitor', 'recovery', 'reconciliation'] as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];

export interface StartPlan {
  workflowType: WorkflowType;
  workflowId: string;
  /** The input as given, with the date made explicit so id and run agree. */
  input: Record<string, unknown>;
  idReusePolicy: WorkflowIdReusePolicy;
  idConflictPolicy: WorkflowIdConflictPolicy;
}

/** Validates the input and works out id and policies; throws a one-line error naming the field. */
export function planStart(workflowType: string, input: unknown, now: Date = new Date()): StartPlan {
  const today = utcDay(now);
  const raw = (input ?? {}) as Record<string, unknown>;
  const refuseRerun = { idReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY, idConflictPolicy: WorkflowIdConflictPolicy.FAIL };
  const join = { idReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE, idConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING };
  switch (workflowType) {
    case 'acodeDailySync': {
      const p = parseAcodeDailySyncInput(input, today);
      return { workflowType, workflowId: dailySyncId('acode', p.date, p.source), input: { ...raw, date: p.date }, ...refuseRerun };
    }
    case 'radarDailySync': {
      const p = parseRadarDailySyncInput(input, today);
      return { workflowType, workflowId: dailySyncId('radar', p.date), input: { ...raw, date: p.date }, ...refuseRerun };
    }
    case 'healthMonitor': {
      const p = parseHealthMonitorInput(input);
      return { workflowType, workflowId: healthMonitorId(p.system), input: raw, ...join };
    }
    case 'recovery': {
      const p = parseRecoveryInput(input, today);
      return { workflowType, workflowId: recoveryId(p.system, p.failureType, p.date), input: { ...raw, date: p.date }, ...join };
    }
    case 'reconciliation': {
      const p = parseReconciliationInput(input);
      return { workflowType, workflowId: reconciliationId(p.system, p.date), input: raw, ...refuseRerun };
    }
    default:
      throw new Error(`unknown workflow ${JSON.stringify(workflowType)} (known: ${WORKFLOW_TYPES.join(', ')})`);
  }
}

export interface Started {
  workflowType: WorkflowType;
  workflowId: string;
  runId: string;
}

export async function startPlanned(client: Client, settings: ClientSettings, plan: StartPlan): Promise<Started> {
  const options: WorkflowStartOptions = {
    taskQueue: settings.taskQueue,
    workflowId: plan.workflowId,
    args: [plan.input],
    workflowIdReusePolicy: plan.idReusePolicy,
    workflowIdConflictPolicy: plan.idConflictPolicy,
  };
  const handle = await client.workflow.start(plan.workflowType, options);
  return { workflowType: plan.workflowType, workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}

/** Starts the health monitor of each system, joining any that already runs. */
export async function ensureHealthMonitors(
  client: Client,
  settings: ClientSettings,
  systems: readonly SystemName[] = SYSTEMS,
  extra: Record<string, unknown> = {},
): Promise<Started[]> {
  const started: Started[] = [];
  for (const system of systems) {
    started.push(await startPlanned(client, settings, planStart('healthMonitor', { system, ...extra })));
  }
  return started;
}
