/**
 * Events read back from workflow histories, with the service's event times:
 * the health monitor's primary checks and a recovery's steps.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { RecoveryStep } from '../workflows/recovery-progress';
import type { DrillEvent } from './timeline';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const timeOf = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

function json(data: Uint8Array | null | undefined): any {
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The monitor's primary connectivity checks: one event each, at the time the check was scheduled, ok or critical. */
export async function monitorChecks(client: Client, workflowId: string): Promise<DrillEvent[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = new Map<number, number>();
  const out: DrillEvent[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s && s.activityType?.name === 'checkSourceConnectivity' && json(s.input?.payloads?.[0]?.data)?.role === 'primary') {
      scheduled.set(Number(e.eventId), timeOf(e));
    }
    const done = e.activityTaskCompletedEventAttributes;
    const at = done ? scheduled.get(Number(done.scheduledEventId)) : undefined;
    if (done && at !== undefined) {
      const probe = json(done.result?.payloads?.[0]?.data) as { ok?: boolean; latencyMs?: number; error?: string } | undefined;
      out.push({
        at,
        kind: 'check',
        level: probe?.ok ? 'ok' : 'critical',
        label: probe?.ok ? `primary check ok (${probe.latencyMs} ms)` : `primary check failed: ${(probe?.error ?? 'no answer').slice(0, 100)}`,
      });
    }
  }
  return out;
}

const DATA_STEPS = new Set(['sync_succeeded', 'reconciled']);

/** A recovery's steps (its workflow clock is the service clock). */
export function recoverySteps(steps: RecoveryStep[], recoveryWorkflowId: string): DrillEvent[] {
  const short = recoveryWorkflowId.replace(/^recovery-/, '');
  return steps.map((s) => ({
    at: Date.parse(s.at),
    kind: DATA_STEPS.has(s.step) ? 'data' : 'step',
    label: `${short} ${s.strategy}: ${s.step}${s.detail ? ` — ${s.detail.slice(0, 110)}` : ''}`,
  }));
}

/** When a workflow started and closed, on the service clock. */
export async function runTimes(client: Client, workflowId: string): Promise<{ start?: number; close?: number; status: string }> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return { start: d.startTime?.getTime(), close: d.closeTime?.getTime(), status: d.status.name };
}
