/**
 * Starting recovery from monitoring alerts: each recovery request becomes a
 * `recovery` workflow with the id `recovery-<system>-<failureType>-<date>` and
 * conflict policy USE_EXISTING, so a storm of alerts about one failure starts
 * one recovery and every later alert joins it.
 */
import type { Client } from '@temporalio/client';
import { mapAlertPayload, type MappedAlerts } from './alert-mapping';
import type { ClientSettings } from './connection';
import { planStart, startPlanned, type Started } from './workflow-starts';

export interface AlertIntakeResult {
  recoveries: Started[];
  ignored: string[];
}

export async function startRecoveriesForAlerts(
  client: Client,
  settings: ClientSettings,
  payload: unknown,
  now: Date = new Date(),
  extraInput: Record<string, unknown> = {},
): Promise<AlertIntakeResult> {
  const mapped: MappedAlerts = mapAlertPayload(payload, now);
  const recoveries: Started[] = [];
  const seen = new Set<string>();
  for (const request of mapped.requests) {
    const plan = planStart(
      'recovery',
      { system: request.system, failureType: request.failureType, date: request.date, reason: request.reason, ...extraInput },
      now,
    );
    if (seen.has(plan.workflowId)) continue;
    seen.add(plan.workflowId);
    recoveries.push(await startPlanned(client, settings, plan));
  }
  return { recoveries, ignored: mapped.ignored };
}
