/**
 * radarDailySync on stand-in activities: non-critical tables failing make a
 * partial success with a WARNING naming them (the sensitive table's error
 * withheld), retried 2 times 15 min apart; a critical table failing aborts the
 * run with a CRITICAL alert and hands over to recovery (child, ABANDON).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RADAR_CRITICAL_TABLES } from '../../../config/pipelines';
import { radarDailySyncId, recoveryId } from '../../../workflows/ids';
import type { RadarDailySyncResult } from '../../../workflows/radar-daily-sync';
import type { RecoveryResult } from '../../../workflows/recovery';
import { failureOf } from '../../helpers/failure-of';
import { STANDIN_BYTES, STANDIN_RADAR_TABLES, STANDIN_ROWS, failure, healthy } from '../../helpers/standin-activities';
import { captureHistory, childStarts, useFastEnv } from './fast-env';

const env = useFastEnv();

const MINUTE = 60_000;

test('non-critical tables fail: partial success, WARNING naming them, the sensitive table error withheld, each retried twice 15 min apart', async () => {
  const date = '2026-03-02';
  const id = radarDailySyncId(date);
  const standins = env.use({
    syncTableToS3: (input) => {
      if (input.stream === 'vouchers') throw failure('connection_timeout', 'vouchers: read timed out after 30 s');
      if (input.stream === 'login') throw failure('connection_timeout', "login: duplicate entry 'hash=$2b$10$abc' for key");
      return healthy.syncTableToS3(input);
    },
  });
  const handle = await env.start('radarDailySync', { date }, id);
  const result = (await handle.result()) as RadarDailySyncResult;

  const ok = STANDIN_RADAR_TABLES.filter((t) => t !== 'login' && t !== 'vouchers');
  expect(result).toMatchObject({
    system: 'radar',
    date,
    outcome: 'partial',
    failedTables: ['login', 'vouchers'],
    totalRows: ok.length * STANDIN_ROWS,
    totalBytes: ok.length * STANDIN_BYTES,
    volumeChange: 0,
  });
  const outcome = (table: string) => result.tables.find((t) => t.table === table);
  expect(outcome('vouchers')).toMatchObject({ status: 'failed', critical: false, failureType: 'connection_timeout', error: 'vouchers: read timed out after 30 s' });
  expect(outcome('login')).toMatchObject({ status: 'failed', critical: false, error: 'details withheld: sensitive table' });
  expect(outcome('store')).toMatchObject({ status: 'synced', critical: true, rows: STANDIN_ROWS });

  // Tried in their batch, then retried twice on their own, 15 min apart: the run took at least the two waits.
  for (const table of ['login', 'vouchers']) {
    expect(standins.callsOf('syncTableToS3', (c) => c.input.stream === table).map((c) => [c.inBatch ?? false, c.attempt])).toEqual([
      [true, 1],
      [false, 1],
      [false, 2],
    ]);
  }
  // the seven small tables in two batches, the critical ones apart (both run at once: their order is the worker's)
  const batches = standins.callsOf('syncTablesToS3').map((c) => c.input.streams as string[]);
  expect([...batches].sort((a, b) => a[0].localeCompare(b[0]))).toEqual([[...RADAR_CRITICAL_TABLES], ['store_metrics', 'login', 'vouchers']]);
  expect(standins.callsOf('syncTableToS3', (c) => c.input.stream === 'store')).toHaveLength(1);
  expect(result.durationMs).toBeGreaterThanOrEqual(30 * MINUTE);
  // Only the synced tables are counted at the source and measured the day before.
  expect(standins.callsOf('countSourceRows').map((c) => c.input.table).sort()).toEqual([...ok].sort());
  // ... in one activity for all of them
  const volume = standins.callsOf('measurePartitionBytes').map((c) => c.input);
  expect(volume).toHaveLength(1);
  expect(volume[0]).toMatchObject({ bucket: 'bronze', system: 'radar', date: '2026-03-01' });
  expect([...volume[0].streams].sort()).toEqual([...ok].sort());
  expect(standins.callsOf('listPartition')).toEqual([]);

  // The long-run alert (90 min) did not fire; one WARNING for the partial success; no recovery.
  const alerts = standins.alerts();
  expect(alerts).toEqual([
    expect.objectContaining({
      severity: 'WARNING',
      title: `Radar ${date} synced: ${ok.length}/${STANDIN_RADAR_TABLES.length} tables, failed: login, vouchers`,
      actionRequired: 'look at the failed tables; the run continued without them',
    }),
  ]);
  expect(JSON.stringify(alerts)).not.toContain('$2b$10$abc');
  expect(await childStarts(handle)).toEqual([]);
  await captureHistory(handle, 'radar-daily-sync-partial');
  await captureHistory(handle, 'radar-daily-sync-batched-partial');
});

test('the critical table store fails: the run aborts (remaining tables skipped), CRITICAL alert, recovery handed over and recovers by retrying the primary', async () => {
  const date = '2026-03-03';
  const id = radarDailySyncId(date);
  const standins = env.use({
    // The daily run's store reads time out; the recovery's own sync, later, succeeds.
    syncTableToS3: (input, call) => {
      if (call.workflowId === id && input.stream === 'store') throw failure('connection_timeout', 'store: read timed out after 30 s');
      return healthy.syncTableToS3(input);
    },
  });
  const handle = await env.start('radarDailySync', { date, timings: { radarParallelism: 1 } }, id);
  const failed = await failureOf(handle.result());

  const recovery = recoveryId('radar', 'connection_timeout', date);
  expect(failed).toBeInstanceOf(WorkflowFailedError);
  const cause = (failed as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('connection_timeout');
  // The message names store, the one that failed, with its error; the tables never started after it are named as not tried.
  expect(cause.message).toMatch(/^Radar 2026-03-03 sync failed: critical table store failed: store: read timed out after 30 s; not tried: store_metrics, login, vouchers; /);
  expect(cause.message).toMatch(new RegExp(`; recovery ${recovery} started$`));
  // One lane, the critical tables first, in a batch of their own: the four tried, store retried twice on its own, nothing else started.
  const daily = standins.callsOf('syncTableToS3', (c) => c.workflowId === id);
  expect(daily.filter((c) => c.inBatch).map((c) => c.input.stream)).toEqual([...RADAR_CRITICAL_TABLES]);
  expect(daily.filter((c) => !c.inBatch).map((c) => [c.input.stream, c.attempt])).toEqual([
    ['store', 1],
    ['store', 2],
  ]);
  expect(standins.alerts((c) => c.workflowId === id)).toEqual([
    expect.objectContaining({ severity: 'CRITICAL', title: `Radar ${date} sync aborted: connection_timeout`, dedupKey: id }),
  ]);
  expect(await childStarts(handle)).toEqual([{ workflowType: 'recovery', workflowId: recovery, parentClosePolicy: 'ABANDON' }]);

  // Radar has no backup: the recovery waits, re-tests the primary and reruns the day there, with the same timings.
  const recoveryHandle = env.client.workflow.getHandle(recovery);
  const recovered = (await recoveryHandle.result()) as RecoveryResult;
  expect(recovered).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'retry_primary_with_delay', outcome: 'recovered' });
  expect(recovered.reconciliation).toBeUndefined();
  const rerun = `${recovery}-primary-sync-1`;
  expect(await childStarts(recoveryHandle)).toEqual([{ workflowType: 'radarDailySync', workflowId: rerun, parentClosePolicy: 'TERMINATE' }]);
  const rerunTables = standins.callsOf('syncTableToS3', (c) => c.workflowId === rerun).map((c) => c.input.stream);
  expect(rerunTables).toEqual(STANDIN_RADAR_TABLES);
  await captureHistory(handle, 'radar-daily-sync-critical-abort');
});
