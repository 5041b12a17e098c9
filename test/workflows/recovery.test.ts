/**
 * Recovery paths on the whole stack (MariaDB pair, moto's S3, Airbyte
 * simulator, alert receivers, Temporal's test server with time skipping, the real
 * activities) that test/scenarios does not drive:
 *   - the primary refusing the ACODE user's password for real: the daily sync
 *     fails its health check with authentication_failed and the recovery it
 *     starts lands every stream from the backup on the direct engine, without
 *     touching an Airbyte connection;
 *   - Radar, which has no backup source: a use_backup decision is refused, abort
 *     is taken.
 * Covered elsewhere with real activities: primary_db_down / authentication_failed
 * on Airbyte and data_corruption (test/scenarios/backup-recovery.test.ts),
 * connection_timeout and network_partition backoff (primary-retry.test.ts),
 * operator decision and the unanswered page (manual-intervention.test.ts), an
 * unknown failure type refused (manual-intervention.test.ts, test/drills/security-drills.test.ts).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { partitionPrefix } from '../../config/pipelines';
import { acodeDailySyncId, recoveryId } from '../../workflows/ids';
import { operatorDecisionSignal, recoveryProgressQuery } from '../../workflows/messages';
import type { RecoveryResult } from '../../workflows/recovery';
import type { RecoveryProgress } from '../../workflows/recovery-progress';
import { startStack, type Stack } from '../helpers/stack-env';
import { listKeys } from '../scenarios/landed-data';
import { pollUntil } from '../scenarios/poll-until';
import { ACODE_STREAM_NAMES, connectionStatus, expectAcodePartitionsMatchSource, resetAcodeConnections, slackMentioning } from '../scenarios/scenario-checks';
import { refuseAcodePrimaryLogin } from './source-faults';
import { failureOf } from '../helpers/failure-of';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false, extract: { maxRowsPerFile: 1000 } });
  await resetAcodeConnections(stack);
}, 60_000);
afterAll(() => stack?.teardown());

test('the primary refuses the password: the daily sync fails its health check with authentication_failed, recovery lands every stream from the backup on the direct engine', async () => {
  const date = '2025-08-07';
  const callsBefore = stack.calls.length;
  const restore = await refuseAcodePrimaryLogin(stack);
  let recovery: RecoveryResult;
  let failure: unknown;
  try {
    const daily = await stack.start('acodeDailySync', { date, engine: 'direct' }, acodeDailySyncId(date, 'primary'));
    failure = await failureOf(daily.result());
    recovery = (await stack.client.workflow.getHandle(recoveryId('acode', 'authentication_failed', date)).result()) as RecoveryResult;
  } finally {
    await restore();
  }
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('authentication_failed');
  expect(cause.message).toMatch(/failed at health_check: .*Access denied for user 'userfarmarcasac02'/);
  expect(cause.message).not.toContain('rotated-');

  expect(recovery).toMatchObject({ strategy: 'use_backup_immediately', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
  expect(recovery.steps.some((s) => s.step === 'primary_tested')).toBe(false);
  const calls = stack.calls.slice(callsBefore);
  const syncs = calls.filter((c) => c.name === 'syncTableToS3').map((c) => c.input as { role: string; bucket: string; stream: string });
  expect(syncs.map((s) => s.stream).sort()).toEqual([...ACODE_STREAM_NAMES].sort());
  expect(syncs.every((s) => s.role === 'backup' && s.bucket === 'backup')).toBe(true);
  await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
  // the reconciliation lands the day where readers read too, from the backup
  await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'backup');
  // The direct engine needs no Airbyte connection: none switched.
  expect(calls.filter((c) => c.name === 'setConnectionStatus' || c.name === 'triggerAirbyteSync')).toEqual([]);
  expect(connectionStatus(stack, 'primary')).toBe('active');
  expect(connectionStatus(stack, 'backup')).toBe('inactive');
  // Everything the backup landed is a gap of the empty bronze partition, filled by the reconciliation.
  const fiscal = recovery.reconciliation?.streams.find((s) => s.stream === ACODE_STREAM_NAMES[0]);
  expect(fiscal?.gapsFound).toBe(stack.acode.rowCounts[ACODE_STREAM_NAMES[0]]);
  expect(slackMentioning(stack, `ACODE ${date}: recovery recovered (use_backup_immediately)`)).toHaveLength(1);
});

test('Radar has no backup source: use_backup is refused while the recovery waits for a person, abort is taken', async () => {
  const date = '2025-08-07';
  const callsBefore = stack.calls.length;
  const pin = await stack.pinClock();
  let progress: RecoveryProgress;
  const handle = await stack.start('recovery', { system: 'radar', failureType: 'primary_db_down', date }, recoveryId('radar', 'primary_db_down', date));
  try {
    await pollUntil('the recovery to wait for an operator', async () => {
      const p = await handle.query(recoveryProgressQuery);
      return p.step === 'waiting_for_operator' ? p : undefined;
    });
    const asked = await stack.slack.waitFor((m) => (m.text ?? '').includes(`RADAR ${date}: recovery needs a person (primary_db_down)`));
    expect(asked.channel).toBe('alerts');
    await handle.signal(operatorDecisionSignal, { action: 'use_backup', operator: 'ana' });
    await handle.signal(operatorDecisionSignal, { action: 'abort', operator: 'ana', note: 'source migration' });
    progress = await pollUntil('the abort recorded', async () => {
      const p = await handle.query(recoveryProgressQuery);
      return p.decision ? p : undefined;
    });
  } finally {
    await pin.release();
  }
  expect(progress.strategy).toBe('manual_intervention_required');
  expect(progress.refusedDecisions).toEqual([expect.objectContaining({ action: 'use_backup', operator: 'ana', why: 'radar has no backup source' })]);
  const result = (await handle.result()) as RecoveryResult;
  expect(result).toMatchObject({ strategy: 'manual_intervention_required', outcome: 'aborted', decision: { action: 'abort', operator: 'ana', note: 'source migration' } });
  expect(stack.calls.slice(callsBefore).filter((c) => ['syncTableToS3', 'triggerAirbyteSync', 'setConnectionStatus'].includes(c.name))).toEqual([]);
  expect(slackMentioning(stack, `RADAR ${date}: recovery aborted`).map((m) => m.channel)).toEqual(['alerts']);
});
