/**
 * recovery's escalation when nobody answers, on stand-in activities: after the
 * 30-min decision timeout a CRITICAL page (PagerDuty, deduplicated on the
 * recovery's id); after 4 h in all, aborted with a CRITICAL alert. A decision
 * that comes after the page is still taken.
 */
import { recoveryId } from '../../../workflows/ids';
import { operatorDecisionSignal } from '../../../workflows/messages';
import type { RecoveryResult } from '../../../workflows/recovery';
import type { RecoveryStep } from '../../../workflows/recovery-progress';
import { captureHistory, childStarts, msBetween, useFastEnv } from './fast-env';

const env = useFastEnv();

const MINUTE = 60_000;
const stepAt = (steps: RecoveryStep[], step: string) => steps.find((s) => s.step === step)?.at ?? 'missing';

test('nobody answers: paged CRITICAL after 30 min, aborted after 4 h, nothing synced', async () => {
  const date = '2026-03-02';
  const id = recoveryId('acode', 'schema_change', date);
  const standins = env.use();
  const handle = await env.start('recovery', { system: 'acode', failureType: 'schema_change', date }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'manual_intervention_required', finalStrategy: 'manual_intervention_required', outcome: 'aborted' });
  expect(result.decision).toBeUndefined();
  expect(result.steps.map((s) => s.step)).toEqual(['started', 'waiting_for_operator', 'paged', 'aborted']);
  const asked = stepAt(result.steps, 'waiting_for_operator');
  const paged = msBetween(asked, stepAt(result.steps, 'paged'));
  const aborted = msBetween(asked, stepAt(result.steps, 'aborted'));
  expect(paged).toBeGreaterThanOrEqual(30 * MINUTE);
  expect(paged).toBeLessThan(31 * MINUTE);
  expect(aborted).toBeGreaterThanOrEqual(240 * MINUTE);
  expect(aborted).toBeLessThan(241 * MINUTE);
  expect(result.steps[3].detail).toBe('no decision within 240 min');

  const alerts = standins.alerts((c) => c.workflowId === id);
  expect(alerts.map((a) => [a.severity, a.title])).toEqual([
    ['ERROR', `ACODE ${date}: recovery started for schema_change → manual_intervention_required`],
    ['ERROR', `ACODE ${date}: recovery needs a person (schema_change)`],
    ['CRITICAL', `ACODE ${date}: recovery waiting for a decision, nobody answered`],
    ['CRITICAL', `ACODE ${date}: recovery aborted (manual_intervention_required)`],
  ]);
  // Both pages carry the recovery's id as PagerDuty dedup key: one incident.
  expect(alerts.filter((a) => a.severity === 'CRITICAL').map((a) => a.dedupKey)).toEqual([id, id]);
  expect(alerts[2].metrics).toMatchObject({ failureType: 'schema_change', waitedMinutes: 30 });
  expect(await childStarts(handle)).toEqual([]);
  expect(standins.callsOf('syncTableToS3')).toEqual([]);
  await captureHistory(handle, 'recovery-manual-unanswered-aborted');
});

test('an answer after the page is taken: use_backup given while the page goes out → the backup synced and reconciled', async () => {
  const date = '2026-03-03';
  const id = recoveryId('acode', 'stale_data', date);
  const standins = env.use();
  // While the page is being sent the clock stands still; the decision arrives then.
  const page = standins.hold('sendAlert', (input, call) => call.workflowId === id && input.title.includes('nobody answered'));
  const handle = await env.start('recovery', { system: 'acode', failureType: 'stale_data', date }, id);
  await env.skipTimeUntil(page.reached);
  await handle.signal(operatorDecisionSignal, { action: 'use_backup', operator: 'eva', note: 'replica is current' });
  page.release();
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ finalStrategy: 'use_backup_immediately', outcome: 'recovered', decision: { action: 'use_backup', operator: 'eva', note: 'replica is current' } });
  const steps = result.steps.map((s) => s.step);
  expect(steps.indexOf('paged')).toBeGreaterThan(steps.indexOf('waiting_for_operator'));
  expect(steps.indexOf('operator_decision')).toBeGreaterThan(steps.indexOf('paged'));
  expect(steps).not.toContain('aborted');
  expect(msBetween(stepAt(result.steps, 'waiting_for_operator'), stepAt(result.steps, 'recovered'))).toBeLessThan(31 * MINUTE);
  expect((await childStarts(handle)).map((c) => c.workflowType)).toEqual(['acodeDailySync', 'reconciliation']);
});
