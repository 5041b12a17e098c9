/**
 * acodeDailySync on stand-in activities: the calls of a healthy run and what it
 * returns; a partition that does not match the source is data corruption, handed
 * over to recovery (child, ABANDON), alerted CRITICAL and failed with its type.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { acodeDailySyncId, recoveryId } from '../../../workflows/ids';
import type { AcodeDailySyncResult } from '../../../workflows/acode-daily-sync';
import type { RecoveryResult } from '../../../workflows/recovery';
import { failureOf } from '../../helpers/failure-of';
import { ACODE_STREAM_NAMES, STANDIN_BYTES, STANDIN_ROWS, healthy } from '../../helpers/standin-activities';
import { captureHistory, childStarts, useFastEnv } from './fast-env';

const env = useFastEnv();

test('a healthy day: probe, the three streams from the primary, each partition checked against the source, quality gates, an INFO alert', async () => {
  const date = '2026-03-02';
  const id = acodeDailySyncId(date, 'primary');
  const standins = env.use();
  const handle = await env.start('acodeDailySync', { date }, id);
  const result = (await handle.result()) as AcodeDailySyncResult;

  expect(result).toMatchObject({ system: 'acode', date, source: 'primary', engine: 'direct', qualityScore: 100 });
  expect(result.streams.map((s) => [s.stream, s.rows, s.files, s.bytes])).toEqual(ACODE_STREAM_NAMES.map((s) => [s, STANDIN_ROWS, 1, STANDIN_BYTES]));

  const names = standins.calls.map((c) => c.name);
  expect(names[0]).toBe('checkSourceConnectivity');
  expect(standins.calls[0].input).toMatchObject({ system: 'acode', role: 'primary' });
  // The three streams run at once, so they reach the worker in any order.
  const byStream = (a: { stream: string }, b: { stream: string }) => a.stream.localeCompare(b.stream);
  expect(standins.callsOf('syncTableToS3').map((c) => c.input).sort(byStream)).toEqual(
    ACODE_STREAM_NAMES.map((stream) => ({ system: 'acode', role: 'primary', stream, date, bucket: 'bronze' })).sort(byStream),
  );
  // Every stream is synced before any partition is checked; the gates run last, the alert after them.
  const lastSync = names.lastIndexOf('syncTableToS3');
  expect(names.indexOf('listPartition')).toBeGreaterThan(lastSync);
  expect(standins.callsOf('countSourceRows').map((c) => c.input.table).sort()).toEqual([...ACODE_STREAM_NAMES].sort());
  expect(names.slice(-2)).toEqual(['runQualityGates', 'sendAlert']);
  expect(standins.callsOf('runQualityGates')[0].input).toEqual({
    bucket: 'bronze',
    system: 'acode',
    date,
    sourceRowCounts: Object.fromEntries(ACODE_STREAM_NAMES.map((s) => [s, STANDIN_ROWS])),
  });
  const [alert] = standins.alerts();
  expect(alert).toMatchObject({ severity: 'INFO', title: `ACODE ${date} synced from the primary (direct engine)`, workflowId: id });
  expect(alert.metrics).toMatchObject({ qualityScore: 100, [`${ACODE_STREAM_NAMES[0]}.rows`]: STANDIN_ROWS });
  expect(await childStarts(handle)).toEqual([]);
  await captureHistory(handle, 'acode-daily-sync-success');
});

test('a partition with fewer rows than the source: data_corruption, recovery handed over (ABANDON), CRITICAL alert, the run fails with the type', async () => {
  const date = '2026-03-03';
  const id = acodeDailySyncId(date, 'primary');
  const fiscal = ACODE_STREAM_NAMES[0];
  const standins = env.use({
    // Only the daily run's own check sees the short partition; the recovery's backup sync is clean.
    inspectPartition: (input, call) =>
      call.workflowId === id && input.stream === fiscal ? { ...healthyInspection(), rows: STANDIN_ROWS - 7 } : healthy.inspectPartition(input),
  });
  const handle = await env.start('acodeDailySync', { date }, id);
  const failure = await failureOf(handle.result());

  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
  const recovery = recoveryId('acode', 'data_corruption', date);
  expect(cause.type).toBe('data_corruption');
  expect(cause.message).toBe(
    `ACODE ${date} sync from the primary failed at validation: partition bronze:${fiscal}/${date} holds ${STANDIN_ROWS - 7} rows, the source ${STANDIN_ROWS}; recovery ${recovery} started`,
  );
  expect(standins.callsOf('runQualityGates', (c) => c.workflowId === id)).toEqual([]);
  expect(await childStarts(handle)).toEqual([{ workflowType: 'recovery', workflowId: recovery, parentClosePolicy: 'ABANDON' }]);
  expect(standins.alerts((c) => c.workflowId === id)).toEqual([
    expect.objectContaining({
      severity: 'CRITICAL',
      title: `ACODE ${date} sync from the primary failed at validation: data_corruption`,
      actionRequired: `recovery ${recovery} started; follow it in the Temporal UI`,
      dedupKey: id,
    }),
  ]);

  // The recovery it handed over to outlives the failed run and restores the day from the backup.
  const recovered = (await env.client.workflow.getHandle(recovery).result()) as RecoveryResult;
  expect(recovered).toMatchObject({ strategy: 'full_backup_restore', outcome: 'recovered' });
  const started = standins.callsOf('sendAlert', (c) => c.workflowId === recovery)[0].input;
  expect(started.metrics.reason).toContain(`daily sync ${id}: partition bronze:${fiscal}/${date} holds`);
});

function healthyInspection() {
  return { rows: STANDIN_ROWS, files: 1, schema: [], columns: {} };
}
