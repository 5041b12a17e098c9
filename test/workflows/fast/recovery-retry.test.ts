/**
 * recovery's retry_primary_with_delay on stand-in activities: waits of 5, 10 and
 * 20 min (+ up to 60 s jitter) before each re-test of the primary; the primary
 * back → the day rerun there, no reconciliation; still down after the third
 * re-test → use_backup_immediately, then the reconciliation child. When the
 * lake's storage is what failed, S3 is asked every minute within the same total.
 */
import { recoveryId } from '../../../workflows/ids';
import type { RecoveryResult } from '../../../workflows/recovery';
import type { RecoveryStep } from '../../../workflows/recovery-progress';
import { ACODE_STREAM_NAMES } from '../../helpers/standin-activities';
import { captureHistory, childStarts, msBetween, useFastEnv } from './fast-env';

const env = useFastEnv();

const MINUTE = 60_000;
const JITTER = MINUTE;
const DOWN = { ok: false, latencyMs: 30_000, failureType: 'connection_timeout' as const, error: 'connect ETIMEDOUT 10.0.0.5:3306' };

/** Milliseconds from each `waiting` step to the `primary_tested` step after it. */
function backoffWaits(steps: RecoveryStep[]): number[] {
  return steps.flatMap((s, i) => (s.step === 'waiting' ? [msBetween(s.at, steps.find((t, j) => j > i && t.step === 'primary_tested')?.at ?? s.at)] : []));
}

test('connection_timeout: the primary answers at the second re-test, after 5 and 10 min: the day is rerun on the primary, nothing reconciled', async () => {
  const date = '2026-03-02';
  const id = recoveryId('acode', 'connection_timeout', date);
  const standins = env.use({
    checkSourceConnectivity: (input, call) => (call.workflowId === id && call.nth === 1 ? DOWN : { ok: true, latencyMs: 7 }),
  });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'connection_timeout', date, reason: 'MySQL timeout alert' }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'retry_primary_with_delay', outcome: 'recovered' });
  expect(result.reconciliation).toBeUndefined();
  const steps = result.steps.map((s) => s.step);
  expect(steps).toEqual(['started', 'waiting', 'primary_tested', 'waiting', 'primary_tested', 'sync_started', 'sync_succeeded', 'recovered']);
  const [first, second] = backoffWaits(result.steps);
  expect(first).toBeGreaterThanOrEqual(5 * MINUTE);
  expect(first).toBeLessThanOrEqual(5 * MINUTE + JITTER);
  expect(second).toBeGreaterThanOrEqual(10 * MINUTE);
  expect(second).toBeLessThanOrEqual(10 * MINUTE + JITTER);
  expect(result.steps.find((s) => s.step === 'primary_tested')?.detail).toBe('attempt 1: connect ETIMEDOUT 10.0.0.5:3306');

  const probes = standins.callsOf('checkSourceConnectivity', (c) => c.workflowId === id).map((c) => c.input);
  expect(probes).toEqual([
    { system: 'acode', role: 'primary', timeoutMs: 30_000 },
    { system: 'acode', role: 'primary', timeoutMs: 30_000 },
  ]);
  const rerun = `${id}-primary-sync-1`;
  expect(await childStarts(handle)).toEqual([{ workflowType: 'acodeDailySync', workflowId: rerun, parentClosePolicy: 'TERMINATE' }]);
  expect(standins.callsOf('syncTableToS3', (c) => c.workflowId === rerun).every((c) => c.input.role === 'primary' && c.input.bucket === 'bronze')).toBe(true);
  expect(standins.callsOf('reconcilePartition')).toEqual([]);
  expect(standins.alerts((c) => c.workflowId === id).map((a) => [a.severity, a.title])).toEqual([
    ['WARNING', `ACODE ${date}: recovery started for connection_timeout → retry_primary_with_delay`],
    ['INFO', `ACODE ${date}: recovery recovered (retry_primary_with_delay)`],
  ]);
  await captureHistory(handle, 'recovery-retry-primary-recovered');
});

test('network_partition: still down after the 5, 10 and 20 min re-tests → use_backup_immediately, the backup sync, then reconciliation', async () => {
  const date = '2026-03-03';
  const id = recoveryId('acode', 'network_partition', date);
  const standins = env.use({
    checkSourceConnectivity: (input) => (input.role === 'primary' ? { ...DOWN, failureType: 'network_partition' } : { ok: true, latencyMs: 9 }),
  });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'network_partition', date }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
  const waits = backoffWaits(result.steps);
  expect(waits).toHaveLength(3);
  [5, 10, 20].forEach((minutes, i) => {
    expect(waits[i]).toBeGreaterThanOrEqual(minutes * MINUTE);
    expect(waits[i]).toBeLessThanOrEqual(minutes * MINUTE + JITTER);
  });
  const handover = result.steps.find((s) => s.step === 'strategy');
  expect(handover).toMatchObject({ strategy: 'use_backup_immediately', detail: 'use_backup_immediately: primary still down after 3 re-tests' });
  expect(result.steps.slice(-4).map((s) => s.step)).toEqual(['sync_succeeded', 'recovered', 'reconciliation_started', 'reconciled']);

  const backupSync = `${id}-backup-sync-1`;
  const reconciliation = `${id}-reconciliation`;
  expect(await childStarts(handle)).toEqual([
    { workflowType: 'acodeDailySync', workflowId: backupSync, parentClosePolicy: 'TERMINATE' },
    { workflowType: 'reconciliation', workflowId: reconciliation, parentClosePolicy: 'TERMINATE' },
  ]);
  const syncs = standins.callsOf('syncTableToS3', (c) => c.workflowId === backupSync).map((c) => c.input);
  expect(syncs.map((s) => s.stream).sort()).toEqual([...ACODE_STREAM_NAMES].sort());
  expect(syncs.every((s) => s.role === 'backup' && s.bucket === 'backup')).toBe(true);
  // The primary was never synced: only probed, three times.
  expect(standins.callsOf('syncTableToS3', (c) => c.input.role === 'primary')).toEqual([]);
  expect(standins.callsOf('checkSourceConnectivity', (c) => c.workflowId === id)).toHaveLength(3);
  expect(standins.callsOf('reconcilePartition').map((c) => c.input)).toEqual(ACODE_STREAM_NAMES.map((stream) => ({ system: 'acode', stream, date, recovery: id })));
  expect(result.reconciliation).toMatchObject({ system: 'acode', date, streams: ACODE_STREAM_NAMES.map((stream) => expect.objectContaining({ stream })) });
  await captureHistory(handle, 'recovery-retry-primary-escalated-to-backup');
  await captureHistory(env.client.workflow.getHandle(reconciliation), 'reconciliation-after-backup');
});

const S3_DOWN = { ok: false, latencyMs: 40, failureType: 'storage_unavailable' as const, error: 'S3 HeadBucket s3://farmarcas-production-bronze/ failed: SlowDown (HTTP 503): Please reduce your request rate.' };

test('storage_unavailable: S3 asked every minute, the day re-run on the primary as soon as it answers (the 8th check)', async () => {
  const date = '2026-03-04';
  const id = recoveryId('acode', 'storage_unavailable', date);
  const standins = env.use({
    checkLakeStorage: (_input, call) => (call.workflowId === id && call.nth <= 7 ? S3_DOWN : { ok: true, latencyMs: 3 }),
  });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'storage_unavailable', date, reason: 'S3 503' }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'retry_primary_with_delay', outcome: 'recovered' });
  expect(result.steps.map((s) => s.step)).toEqual(['started', 'waiting', 'storage_tested', 'sync_started', 'sync_succeeded', 'recovered']);
  const [waiting, tested] = result.steps.filter((s) => s.step === 'waiting' || s.step === 'storage_tested');
  expect(waiting.detail).toBe("for the lake's storage, asked every 60 s");
  expect(tested.detail).toBe('attempt 1: answered at check 8 in 3 ms');
  // eight one-minute waits, plus the checks' own (real) time, less than a ninth wait
  expect(msBetween(waiting.at, tested.at)).toBeGreaterThanOrEqual(8 * MINUTE);
  expect(msBetween(waiting.at, tested.at)).toBeLessThan(9 * MINUTE);
  expect(standins.callsOf('checkLakeStorage', (c) => c.workflowId === id).map((c) => c.input)).toEqual(Array(8).fill({ bucket: 'bronze', timeoutMs: 30_000 }));
  expect(standins.callsOf('checkSourceConnectivity', (c) => c.workflowId === id)).toEqual([]);
  expect(await childStarts(handle)).toEqual([{ workflowType: 'acodeDailySync', workflowId: `${id}-primary-sync-1`, parentClosePolicy: 'TERMINATE' }]);
  await captureHistory(handle, 'recovery-storage-checks-recovered');
});

test('storage_unavailable: S3 never answers within the backoff total (35 min + jitter) → use_backup_immediately', async () => {
  const date = '2026-03-05';
  const id = recoveryId('acode', 'storage_unavailable', date);
  const standins = env.use({ checkLakeStorage: (_input, call) => (call.workflowId === id ? S3_DOWN : { ok: true, latencyMs: 3 }) });
  const handle = await env.start('recovery', { system: 'acode', failureType: 'storage_unavailable', date }, id);
  const result = (await handle.result()) as RecoveryResult;

  expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'use_backup_immediately' });
  const checks = standins.callsOf('checkLakeStorage', (c) => c.workflowId === id).length;
  // one a minute over 35 min and the jitter, fewer when a check itself takes long (service time runs during it)
  expect(checks).toBeGreaterThanOrEqual(30);
  expect(checks).toBeLessThanOrEqual(38);
  const tested = result.steps.find((s) => s.step === 'storage_tested');
  expect(tested?.detail).toBe(`no answer in ${checks} checks: ${S3_DOWN.error}`);
  const waiting = result.steps.find((s) => s.step === 'waiting')!;
  expect(msBetween(waiting.at, tested!.at)).toBeGreaterThanOrEqual(35 * MINUTE);
  expect(msBetween(waiting.at, tested!.at)).toBeLessThanOrEqual(35 * MINUTE + 3 * JITTER);
  expect(result.steps.find((s) => s.step === 'strategy')?.detail).toBe("use_backup_immediately: the lake's storage still down after the backoff");
});
