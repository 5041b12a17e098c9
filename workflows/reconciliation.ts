/**
 * Post-recovery reconciliation of a date: per stream, the gaps the backup fills
 * in the primary partition are found, merged and de-duplicated by key and
 * written into the day's bronze partition readers read, with a manifest naming
 * the sources and the recovery (its earlier files kept in quarantine first,
 * nothing deleted, activities/quality/reconcile.ts);
 * the run reports gaps found, records reconciled and a validation score.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { ReconcileResult } from '../activities/types';
import { activityProxies } from './activity-options';
import { raiseAlert } from './alerting';
import { resolveTimings } from './timings';
import { ACODE_STREAM_NAMES } from '../config/pipelines';
import { parseReconciliationInput, type ReconciliationInput } from './inputs';

/** Below this validation score the reconciliation is reported as a warning. */
export const RECONCILIATION_SCORE_TARGET = 95;

export interface ReconciliationResult {
  system: ReconciliationInput['system'];
  date: string;
  streams: ReconcileResult[];
  gapsFound: number;
  recordsReconciled: number;
  duplicatesRemoved: number;
  /** Lowest stream score (0..100). */
  score: number;
}

export async function reconciliation(input: ReconciliationInput): Promise<ReconciliationResult> {
  const { system, date, streams } = parseReconciliationInput(input);
  const proxies = activityProxies(resolveTimings(undefined));
  const toReconcile = streams ?? (system === 'acode' ? ACODE_STREAM_NAMES : []);
  const results: ReconcileResult[] = [];
  // the recovery that started this reconciliation (its parent), named in each reconciled partition's manifest
  const recovery = workflowInfo().parent?.workflowId;
  for (const stream of toReconcile) {
    results.push(await proxies.inspect.reconcilePartition({ system, stream, date, ...(recovery ? { recovery } : {}) }));
  }
  const result: ReconciliationResult = {
    system,
    date,
    streams: results,
    gapsFound: results.reduce((sum, r) => sum + r.gapsFound, 0),
    recordsReconciled: results.reduce((sum, r) => sum + r.recordsReconciled, 0),
    duplicatesRemoved: results.reduce((sum, r) => sum + r.duplicatesRemoved, 0),
    score: results.length ? Math.min(...results.map((r) => r.score)) : 100,
  };
  const low = result.score < RECONCILIATION_SCORE_TARGET;
  await raiseAlert(proxies, {
    severity: low ? 'WARNING' : 'INFO',
    system,
    title: `${system.toUpperCase()} ${date} reconciled: ${result.gapsFound} gaps, ${result.recordsReconciled} records, score ${result.score}`,
    actionRequired: low ? `validation score below ${RECONCILIATION_SCORE_TARGET}: review the reconciled partitions` : 'none',
    metrics: {
      gapsFound: result.gapsFound,
      recordsReconciled: result.recordsReconciled,
      duplicatesRemoved: result.duplicatesRemoved,
      score: result.score,
      ...Object.fromEntries(results.map((r) => [`${r.stream}.gaps`, r.gapsFound])),
    },
  });
  return result;
}
