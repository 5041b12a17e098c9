/**
 * recovery waiting for a person, on stand-in activities: the failure types with
 * no automatic strategy ask for a decision (ERROR alert) and each operatorDecision
 * action leads where it says: retry_primary → the primary re-tested and rerun,
 * use_backup → the backup sync and reconciliation, restore → quarantine, backup
 * sync and reconciliation, abort → aborted. A decision a system cannot take (Radar
 * has no backup) is refused and the wait goes on. Decisions are given once the
 * decision timer is in the history, with the clock pinned so the 30-min timeout
 * cannot pass first.
 */
import type { FailureType } from '../../../config/failures';
import type { SystemName } from '../../../config/pipelines';
import { recoveryId } from '../../../workflows/ids';
import type { OperatorDecision } from '../../../workflows/inputs';
import { operatorDecisionSignal, recoveryProgressQuery } from '../../../workflows/messages';
import type { RecoveryResult } from '../../../workflows/recovery';
import { ACODE_STREAM_NAMES, type StandinCall } from '../../helpers/standin-activities';
import { captureHistory, childStarts, useFastEnv, waitForEvent } from './fast-env';

const env = useFastEnv();

const DATE = '2026-03-02';
const notThePin = (c: StandinCall) => !c.workflowId.startsWith('clock-pin-');

/** Starts a recovery, waits for it to ask for a person, gives the decisions with the clock pinned, returns its result. */
async function decide(failureType: FailureType, decisions: OperatorDecision[], system: SystemName = 'acode') {
  const id = recoveryId(system, failureType, DATE);
  const standins = env.use();
  const pin = await env.pinClock();
  const handle = await env.start('recovery', { system, failureType, date: DATE }, id);
  // The decision timer started: the recovery is waiting for an answer.
  await waitForEvent(env.client, id, (e) => e.timerStartedEventAttributes != null);
  const [asked] = standins.alerts((c) => c.workflowId === id && c.input.title.includes('needs a person'));
  for (const decision of decisions) await handle.signal(operatorDecisionSignal, decision);
  await pin.release();
  const result = (await handle.result()) as RecoveryResult;
  return { id, handle, standins, asked, result, steps: result.steps.map((s) => s.step) };
}

test('schema_change, abort: aborted by the operator, nothing synced, no page, the abort alerted CRITICAL', async () => {
  const { id, handle, standins, asked, result, steps } = await decide('schema_change', [{ action: 'abort', operator: 'ana', note: 'column renamed upstream' }]);

  expect(asked).toMatchObject({ severity: 'ERROR', title: `ACODE ${DATE}: recovery needs a person (schema_change)` });
  expect(asked.actionRequired).toBe(`decide: orchestrator signal decision ${id} --action retry_primary|use_backup|restore|abort --operator <name>`);
  expect(result).toMatchObject({
    strategy: 'manual_intervention_required',
    finalStrategy: 'manual_intervention_required',
    outcome: 'aborted',
    decision: { action: 'abort', operator: 'ana', note: 'column renamed upstream' },
  });
  expect(steps).toEqual(['started', 'waiting_for_operator', 'operator_decision', 'aborted']);
  expect(result.steps[result.steps.length - 1].detail).toBe('aborted by ana');
  expect(await childStarts(handle)).toEqual([]);
  expect(standins.alerts((c) => c.workflowId === id).map((a) => [a.severity, a.title])).toEqual([
    ['ERROR', `ACODE ${DATE}: recovery started for schema_change → manual_intervention_required`],
    ['ERROR', `ACODE ${DATE}: recovery needs a person (schema_change)`],
    ['CRITICAL', `ACODE ${DATE}: recovery aborted (manual_intervention_required)`],
  ]);
});

test('stale_data, use_backup: the backup synced and the day reconciled', async () => {
  const { id, handle, standins, result, steps } = await decide('stale_data', [{ action: 'use_backup', operator: 'bruno' }]);

  expect(result).toMatchObject({ strategy: 'manual_intervention_required', finalStrategy: 'use_backup_immediately', outcome: 'recovered', decision: { action: 'use_backup', operator: 'bruno' } });
  expect(steps).toEqual(['started', 'waiting_for_operator', 'operator_decision', 'strategy', 'sync_started', 'sync_succeeded', 'recovered', 'reconciliation_started', 'reconciled']);
  expect(result.steps.find((s) => s.step === 'strategy')?.detail).toBe('use_backup_immediately: decided by bruno');
  expect((await childStarts(handle)).map((c) => [c.workflowType, c.workflowId])).toEqual([
    ['acodeDailySync', `${id}-backup-sync-1`],
    ['reconciliation', `${id}-reconciliation`],
  ]);
  expect(standins.callsOf('syncTableToS3').every((c) => c.input.role === 'backup')).toBe(true);
  expect(steps).not.toContain('paged');
  await captureHistory(handle, 'recovery-manual-decision-use-backup');
});

test('unknown, restore: every stream quarantined, the backup synced, the day reconciled', async () => {
  const { handle, standins, result, steps } = await decide('unknown', [{ action: 'restore', operator: 'carla' }]);

  expect(result).toMatchObject({ finalStrategy: 'full_backup_restore', outcome: 'recovered', decision: { action: 'restore', operator: 'carla' } });
  expect(steps.filter((s) => s === 'quarantined')).toHaveLength(ACODE_STREAM_NAMES.length);
  expect(standins.callsOf('quarantinePartition').map((c) => c.input.stream)).toEqual(ACODE_STREAM_NAMES);
  expect(standins.callsOf('quarantinePartition').every((c) => c.input.reason.startsWith('unknown'))).toBe(true);
  expect((await childStarts(handle)).map((c) => c.workflowType)).toEqual(['acodeDailySync', 'reconciliation']);
  expect(result.reconciliation).toBeDefined();
});

test('airbyte_failure, retry_primary: the primary re-tested after the backoff and the day rerun there, nothing reconciled', async () => {
  const { id, handle, standins, result, steps } = await decide('airbyte_failure', [{ action: 'retry_primary', operator: 'davi' }]);

  expect(result).toMatchObject({ finalStrategy: 'retry_primary_with_delay', outcome: 'recovered', decision: { action: 'retry_primary', operator: 'davi' } });
  expect(steps).toEqual(['started', 'waiting_for_operator', 'operator_decision', 'strategy', 'waiting', 'primary_tested', 'sync_started', 'sync_succeeded', 'recovered']);
  expect(standins.callsOf('checkSourceConnectivity', (c) => c.workflowId === id).map((c) => c.input.role)).toEqual(['primary']);
  expect((await childStarts(handle)).map((c) => [c.workflowType, c.workflowId])).toEqual([['acodeDailySync', `${id}-primary-sync-1`]]);
  expect(standins.callsOf('reconcilePartition', notThePin)).toEqual([]);
});

test('Radar has no backup: use_backup is refused and the wait goes on; the abort that follows is taken', async () => {
  const { handle, standins, result } = await decide('primary_db_down', [{ action: 'use_backup', operator: 'ana' }, { action: 'abort', operator: 'ana' }], 'radar');

  expect(result).toMatchObject({ strategy: 'manual_intervention_required', outcome: 'aborted', decision: { action: 'abort', operator: 'ana' } });
  const progress = await handle.query(recoveryProgressQuery);
  expect(progress.refusedDecisions).toEqual([expect.objectContaining({ action: 'use_backup', operator: 'ana', why: 'radar has no backup source' })]);
  expect(await childStarts(handle)).toEqual([]);
  expect(standins.callsOf('syncTableToS3')).toEqual([]);
});
