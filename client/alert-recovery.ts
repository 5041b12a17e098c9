/**
 * Starting recovery from monitoring alerts, all or nothing: the whole batch is
 * mapped (client/alert-mapping.ts) and every request validated with the
 * recovery's own input schema (planStart) before anything starts. One refused
 * alert refuses the batch and nothing starts; so does a batch that would start
 * more recoveries than the rate budget allows. Each request becomes a
 * `recovery` workflow with the id `recovery-<system>-<failureType>-<date>`
 * and conflict policy USE_EXISTING, so a storm of alerts about one failure
 * starts one recovery and every later alert joins it; joining is free, only
 * recoveries not already running count against the budget. The answer names,
 * per alert, the recovery started or joined, or why it was refused. A Temporal
 * outage half-way through starts what it could; the sender's retry joins those.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { cleanText } from './alert-fields';
import { DEFAULT_MAPPING_RULES, mapAlertPayload, type MappingRules } from './alert-mapping';
import type { ClientSettings } from './connection';
import { planStart, startPlanned, type Started, type StartPlan } from './workflow-starts';

export type AlertOutcome =
  | { index: number; outcome: 'started' | 'joined'; workflowId: string; runId: string }
  | { index: number; outcome: 'not_started'; workflowId: string; why: string }
  | { index: number; outcome: 'ignored' | 'refused'; why: string };

export interface AlertIntakeResult {
  /** done: everything asked was started or joined; refused: an alert was refused, nothing started;
   * rate_limited: nothing started, retry after retryAfterSeconds; unavailable: Temporal failed part-way. */
  status: 'done' | 'refused' | 'rate_limited' | 'unavailable';
  alerts: AlertOutcome[];
  /** The recoveries started or joined, one per workflow id. */
  recoveries: Started[];
  ignored: string[];
  error?: string;
  retryAfterSeconds?: number;
}

export type BudgetAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; why: string };

export interface AlertBatchOptions {
  rules?: Partial<MappingRules>;
  /** Extra recovery input, e.g. { engine: 'airbyte' }. */
  extraInput?: Record<string, unknown>;
  /** Takes `count` new recoveries from the rate budget, or says when to come back. Unlimited when absent. */
  budget?: (count: number) => BudgetAnswer;
}

const firstLine = (err: unknown) => cleanText(String((err as Error)?.message ?? err).split('\n')[0], 300);

/** The run of a workflow id that is running now, if any. */
async function runningRun(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    const described = await client.workflow.getHandle(workflowId).describe();
    return described.status.name === 'RUNNING' ? described.runId : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function startRecoveriesForAlerts(
  client: Client,
  settings: ClientSettings,
  payload: unknown,
  options: AlertBatchOptions = {},
): Promise<AlertIntakeResult> {
  const rules: MappingRules = { ...DEFAULT_MAPPING_RULES, now: new Date(), ...options.rules };
  const verdicts = mapAlertPayload(payload, rules);
  const ignored = verdicts.flatMap((v) => (v.kind === 'ignored' ? [v.why] : []));
  const plans = new Map<number, StartPlan>();
  const refusals = new Map<number, string>();
  for (const v of verdicts) {
    if (v.kind === 'refused') refusals.set(v.index, v.why);
    if (v.kind !== 'request') continue;
    const { system, failureType, date, reason } = v.request;
    try {
      plans.set(v.index, planStart('recovery', { system, failureType, date, reason, ...options.extraInput }, rules.now));
    } catch (err) {
      refusals.set(v.index, firstLine(err));
    }
  }
  const pending = (why: string): AlertOutcome[] =>
    verdicts.map((v) => {
      const refused = refusals.get(v.index);
      if (refused !== undefined) return { index: v.index, outcome: 'refused', why: refused };
      const plan = plans.get(v.index);
      return plan ? { index: v.index, outcome: 'not_started', workflowId: plan.workflowId, why } : { index: v.index, outcome: 'ignored', why: (v as { why: string }).why };
    });
  if (refusals.size > 0) {
    return { status: 'refused', alerts: pending('another alert of the batch was refused'), recoveries: [], ignored, error: `${refusals.size} of ${verdicts.length} alerts refused; nothing started` };
  }

  const byId = new Map<string, StartPlan>();
  for (const plan of plans.values()) if (!byId.has(plan.workflowId)) byId.set(plan.workflowId, plan);
  const ids = [...byId.keys()];
  const running = new Map<string, string | undefined>();
  // Settled, not raced: no call is left running once the answer is given.
  const described = await Promise.allSettled(ids.map(async (id) => running.set(id, await runningRun(client, id))));
  const failed = described.find((d): d is PromiseRejectedResult => d.status === 'rejected');
  if (failed) {
    return { status: 'unavailable', alerts: pending('Temporal did not answer'), recoveries: [], ignored, error: `could not reach Temporal: ${firstLine(failed.reason)}` };
  }
  const fresh = ids.filter((id) => running.get(id) === undefined).length;
  const answer: BudgetAnswer = fresh > 0 && options.budget ? options.budget(fresh) : { ok: true };
  if (!answer.ok) {
    return { status: 'rate_limited', alerts: pending('rate limited'), recoveries: [], ignored, error: `${answer.why}; nothing started`, retryAfterSeconds: answer.retryAfterSeconds };
  }

  const started = new Map<string, Started & { joined: boolean }>();
  let error: string | undefined;
  for (const id of ids) {
    try {
      const run = await startPlanned(client, settings, byId.get(id) as StartPlan);
      started.set(id, { ...run, joined: run.runId === running.get(id) });
    } catch (err) {
      error = `could not start ${id}: ${firstLine(err)}`;
      break;
    }
  }
  const alerts = verdicts.map((v): AlertOutcome => {
    const plan = plans.get(v.index);
    if (!plan) return { index: v.index, outcome: 'ignored', why: (v as { why: string }).why };
    const run = started.get(plan.workflowId);
    if (!run) return { index: v.index, outcome: 'not_started', workflowId: plan.workflowId, why: 'Temporal failed before this start' };
    return { index: v.index, outcome: run.joined ? 'joined' : 'started', workflowId: run.workflowId, runId: run.runId };
  });
  const recoveries = [...started.values()].map(({ joined: _joined, ...run }) => run);
  return { status: error ? 'unavailable' : 'done', alerts, recoveries, ignored, ...(error ? { error } : {}) };
}
