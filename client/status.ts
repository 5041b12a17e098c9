/**
 * `orchestrator status`: reads the health monitors (healthState query) and the
 * recent daily-sync runs (list workflows) and returns the SLA view of
 * client/sla.ts for each system.
 */
import type { Client } from '@temporalio/client';
import type { SystemName } from '../config/pipelines';
import type { HealthState } from '../workflows/health-state';
import { healthMonitorId } from '../workflows/ids';
import { healthStateQuery } from '../workflows/messages';
import { DAILY_SYNC_TYPES, systemSla, type RunRecord, type SystemSla } from './sla';
import { SYSTEMS } from '../config/pipelines';

/** Runs read per workflow type: 30 days of daily runs with room for retries and recoveries' re-runs. */
export const MAX_RUNS_PER_TYPE = 500;

async function monitorState(client: Client, system: SystemName): Promise<HealthState | undefined> {
  const handle = client.workflow.getHandle(healthMonitorId(system));
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return undefined;
    return await handle.query(healthStateQuery);
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

async function recentRuns(client: Client, workflowType: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${workflowType}'` })) {
    runs.push({
      workflowId: wf.workflowId,
      type: wf.type,
      status: wf.status.name,
      startTime: wf.startTime.toISOString(),
      closeTime: wf.closeTime?.toISOString(),
    });
    if (runs.length >= MAX_RUNS_PER_TYPE) break;
  }
  return runs;
}

export async function readSlaStatus(client: Client, now: Date = new Date(), systems: readonly SystemName[] = SYSTEMS): Promise<SystemSla[]> {
  return Promise.all(
    systems.map(async (system) => {
      const [monitor, runs] = await Promise.all([monitorState(client, system), recentRuns(client, DAILY_SYNC_TYPES[system])]);
      return systemSla(system, monitor, runs, now);
    }),
  );
}
