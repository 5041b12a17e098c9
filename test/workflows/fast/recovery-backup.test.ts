/**
 * recovery's backup strategies on stand-in activities: use_backup_immediately
 * (Airbyte connections switched, backup sync), full_backup_restore (every stream's
 * bronze partition to quarantine before the backup sync), and what follows: a
 * recovery that used the backup starts the reconciliation child, whose failure is
 * recorded without undoing the recovery; a failed backup sync hands over to a
 * person and reconciles nothing.
 */
import { AIRBYTE_CONNECTIONS } from '../../../config/pipelines';
import { recoveryId } from '../../../workflows/ids';
import type { RecoveryResult } from '../../../workflows/recovery';
import { ACODE_STREAM_NAMES, failure, healthy } from '../../helpers/standin-activities';
import { captureHistory, childStarts, useFastEnv } from './fast-env';

const env = useFastEnv();

const { primary: PRIMARY_CONNECTION, backup: BACKUP_CONNECTION } = AIRBYTE_CONNECTIONS.acode;

test('primary_db_down on Airbyte: primary connection off, backup on, the backup job synced and validated, then reconciled', async () => {
  const date = '2026-03-02';
  const id = recoveryId('acode', 'primary_db_down', date);
  const standins = env.use({ triggerAirbyteSync: () => ({ jobId: 41 }) });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'primary_db_down', date, engine: 'airbyte' }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'use_backup_immediately', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
  expect(result.steps.map((s) => s.step)).toEqual([
    'started',
    'connection_switched',
    'connection_switched',
    'sync_started',
    'sync_succeeded',
    'recovered',
    'reconciliation_started',
    'reconciled',
  ]);
  // The switch happens before the backup job is triggered, in this order.
  const backupSync = `${id}-backup-sync-1`;
  const relevant = standins.calls.filter((c) => ['setConnectionStatus', 'triggerAirbyteSync', 'waitForAirbyteJob'].includes(c.name));
  expect(relevant.map((c) => [c.name, c.workflowId, c.input])).toEqual([
    ['setConnectionStatus', id, { connectionName: PRIMARY_CONNECTION, status: 'inactive' }],
    ['setConnectionStatus', id, { connectionName: BACKUP_CONNECTION, status: 'active' }],
    ['triggerAirbyteSync', backupSync, { connectionName: BACKUP_CONNECTION }],
    ['waitForAirbyteJob', backupSync, { jobId: 41, pollIntervalMs: 2 * 60_000, timeoutMs: 2 * 3600_000 }],
  ]);
  expect(standins.callsOf('listPartition', (c) => c.workflowId === backupSync).every((c) => c.input.bucket === 'backup')).toBe(true);
  expect(standins.callsOf('syncTableToS3')).toEqual([]);
  expect(await childStarts(handle)).toEqual([
    { workflowType: 'acodeDailySync', workflowId: backupSync, parentClosePolicy: 'TERMINATE' },
    { workflowType: 'reconciliation', workflowId: `${id}-reconciliation`, parentClosePolicy: 'TERMINATE' },
  ]);
  expect(standins.alerts((c) => c.workflowId === id).map((a) => a.severity)).toEqual(['WARNING', 'INFO']);
  await captureHistory(handle, 'recovery-use-backup-immediately');
});

test('data_corruption: each stream quarantined (reason kept) before the backup is turned on and synced; reconciled after', async () => {
  const date = '2026-03-03';
  const id = recoveryId('acode', 'data_corruption', date);
  const standins = env.use();
  const reason = 'quality gates failed for acode 2026-03-03';
  const handle = await env.start('recovery', { system: 'acode', failureType: 'data_corruption', date, reason }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'full_backup_restore', finalStrategy: 'full_backup_restore', outcome: 'recovered' });
  expect(result.steps.filter((s) => s.step === 'quarantined').map((s) => s.detail)).toEqual(
    ACODE_STREAM_NAMES.map((stream) => `${stream}: 2 objects to s3://farmarcas-quarantine/acode-20260303/${stream}/`),
  );
  expect(standins.callsOf('quarantinePartition').map((c) => c.input)).toEqual(
    ACODE_STREAM_NAMES.map((stream) => ({ bucket: 'bronze', system: 'acode', stream, date, reason: `data_corruption: ${reason}` })),
  );
  // Every quarantine ends before the first backup sync begins.
  const lastQuarantine = Math.max(...standins.callsOf('quarantinePartition').map((c) => c.seq));
  const backupSyncs = standins.callsOf('syncTableToS3');
  expect(backupSyncs.map((c) => c.input.role)).toEqual(['backup', 'backup', 'backup']);
  expect(Math.min(...backupSyncs.map((c) => c.seq))).toBeGreaterThan(lastQuarantine);
  // The direct engine has no connection to switch.
  expect(standins.callsOf('setConnectionStatus')).toEqual([]);
  expect((await childStarts(handle)).map((c) => c.workflowType)).toEqual(['acodeDailySync', 'reconciliation']);
  expect(result.reconciliation?.streams).toHaveLength(ACODE_STREAM_NAMES.length);
  await captureHistory(handle, 'recovery-full-backup-restore');
});

test('the reconciliation fails: recorded as reconciliation_failed, the recovery stays recovered without a reconciliation result', async () => {
  const date = '2026-03-04';
  const id = recoveryId('acode', 'authentication_failed', date);
  const standins = env.use({
    reconcilePartition: () => {
      throw failure('data_corruption', 'backup partition farmarcas_si_analitico_diario/2026-03-04 has no _SUCCESS marker');
    },
  });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'authentication_failed', date }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });
  expect(result.reconciliation).toBeUndefined();
  const last = result.steps[result.steps.length - 1];
  expect(last.step).toBe('reconciliation_failed');
  expect(last.detail).toContain('has no _SUCCESS marker');
  // data_corruption is final: the activity was not retried.
  expect(standins.callsOf('reconcilePartition')).toHaveLength(1);
  expect(standins.alerts((c) => c.workflowId === id).map((a) => [a.severity, a.title])).toEqual([
    ['WARNING', `ACODE ${date}: recovery started for authentication_failed → use_backup_immediately`],
    ['INFO', `ACODE ${date}: recovery recovered (use_backup_immediately)`],
  ]);
});

test('the backup does not answer: the recovery hands over to a person, nobody answers, it aborts and nothing is reconciled', async () => {
  const date = '2026-03-05';
  const id = recoveryId('acode', 'primary_db_down', date);
  const standins = env.use({
    checkSourceConnectivity: (input) =>
      input.role === 'backup' ? { ok: false, latencyMs: 0, failureType: 'authentication_failed', error: "Access denied for user 'reader'" } : healthy.checkSourceConnectivity(input),
  });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'primary_db_down', date }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'use_backup_immediately', finalStrategy: 'manual_intervention_required', outcome: 'aborted' });
  expect(result.steps.find((s) => s.step === 'backup_failed')?.detail).toMatch(/^authentication_failed: .*Access denied for user 'reader'/);
  expect(result.steps.find((s) => s.step === 'strategy')?.detail).toBe('manual_intervention_required: the backup sync failed');
  const asked = standins.alerts((c) => c.workflowId === id).find((a) => a.title.includes('needs a person'));
  expect(asked).toMatchObject({ severity: 'ERROR', metrics: { failureType: 'primary_db_down', why: 'the backup sync failed' } });
  expect((await childStarts(handle)).map((c) => c.workflowType)).toEqual(['acodeDailySync']);
  expect(standins.callsOf('syncTableToS3')).toEqual([]);
  expect(standins.callsOf('reconcilePartition')).toEqual([]);
});
