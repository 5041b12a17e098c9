/**
 * ACODE's daily sync on the whole stack (MariaDB primary + replica with the
 * sample data, moto's S3, alert receivers, Temporal's test server with time skipping,
 * the real activities), with real faults:
 *   - the direct engine lands, checks and reports every stream;
 *   - a Parquet file of the fiscal partition deleted between the sync and the
 *     row count: data_corruption, CRITICAL alert, recovery started and run;
 *   - a source column renamed: schema_change, not retried, recovery waits for a person;
 *   - Slack refusing every message: the sync still succeeds, its alert retried, then given up.
 * Radar's daily sync is in radar-daily-sync.test.ts. Refused inputs are covered by
 * test/scenarios/manual-intervention.test.ts ("bad requests are refused before
 * any I/O") and test/drills/security-drills.test.ts.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { partitionPrefix, SUCCESS_MARKER } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId, recoveryId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import { startStack, type Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn } from '../scenarios/landed-data';
import { ACODE_STREAM_NAMES, expectAcodePartitionsMatchSource, slackMentioning } from '../scenarios/scenario-checks';
import { renameAcodeColumn } from './source-faults';
import { failureOf } from '../helpers/failure-of';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false, extract: { maxRowsPerFile: 1000 } });
}, 60_000);
afterAll(() => stack?.teardown());

const FISCAL = ACODE_STREAM_NAMES[0];
const PRODUCTS = ACODE_STREAM_NAMES[1];

describe('acodeDailySync', () => {
  test('direct engine: the three streams land from the primary with exactly the source rows, and one INFO alert reports them', async () => {
    const date = '2025-08-07';
    const handle = await stack.start('acodeDailySync', { date }, acodeDailySyncId(date, 'primary'));
    const result = (await handle.result()) as AcodeDailySyncResult;

    expect(result).toMatchObject({ system: 'acode', date, source: 'primary', engine: 'direct' });
    expect(result.streams.map((s) => [s.stream, s.rows])).toEqual(ACODE_STREAM_NAMES.map((s) => [s, stack.acode.rowCounts[s]]));
    expect(result.streams[0].files).toBe(3);
    expect(result.streams[0].location).toBe(
      `s3://farmarcas-production-bronze/origin=airbyte/database=bronze_acode/${FISCAL}/cog_dt_ingestion=${date}/`,
    );
    expect(result.qualityScore).toBeGreaterThan(90);
    await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'primary');

    const info = await stack.slack.waitFor((m) => (m.text ?? '').includes(`ACODE ${date} synced from the primary (direct engine)`));
    expect(info.channel).toBe('data-engineering');
    expect(slackMentioning(stack, `ACODE ${date} synced`)).toHaveLength(1);
    expect(info.raw).toContain(`${FISCAL}.rows`);
    expect(info.raw).toContain(String(stack.acode.rowCounts[FISCAL]));
    expect(stack.pagerDuty.received().filter((e) => e.raw.includes(date))).toEqual([]);
  });

  test('a Parquet file deleted between the sync and the row count: data_corruption, CRITICAL alert, and the recovery it starts restores from the backup', async () => {
    const date = '2025-08-06';
    const prefix = partitionPrefix('acode', FISCAL, date);
    // The validation has listed the partition complete; its rows are counted next. Hold that count.
    const inspection = stack.hold('inspectPartition', (input) => input.bucket === 'bronze' && input.stream === FISCAL && input.date === date);
    const handle = await stack.start('acodeDailySync', { date }, acodeDailySyncId(date, 'primary'));
    await stack.skipTimeUntil(inspection.reached);
    const files = (await listKeys(stack.s3, stack.buckets.bronze, prefix)).filter((k) => k.endsWith('.parquet'));
    expect(files).toHaveLength(3);
    const lostRows = (await parquetColumn(stack.s3, stack.buckets.bronze, files[1])).length;
    expect(lostRows).toBeGreaterThan(0);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.buckets.bronze, Key: files[1] }));
    inspection.release();

    const failure = await failureOf(handle.result());
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    const sourceRows = stack.acode.rowCounts[FISCAL];
    const recoveryWorkflowId = recoveryId('acode', 'data_corruption', date);
    expect(cause.type).toBe('data_corruption');
    expect(cause.message).toContain(`holds ${sourceRows - lostRows} rows, the ${sourceRows} rows read of idpk <= `);
    expect(cause.message).toContain(`recovery ${recoveryWorkflowId} started`);

    const page = await stack.pagerDuty.waitFor((e) => e.dedup_key === acodeDailySyncId(date, 'primary'));
    expect(page.payload?.severity).toBe('critical');
    expect(page.payload?.summary).toContain(`ACODE ${date} sync from the primary failed at validation: data_corruption`);
    expect(slackMentioning(stack, `ACODE ${date} sync from the primary failed at validation`).map((m) => m.channel)).toContain('alerts');

    // The recovery outlives the failed run and runs for real: the damaged partition to quarantine, the backup landed.
    const recovery = (await stack.client.workflow.getHandle(recoveryWorkflowId).result()) as RecoveryResult;
    expect(recovery).toMatchObject({ strategy: 'full_backup_restore', outcome: 'recovered' });
    const quarantined = await listKeys(stack.s3, stack.buckets.quarantine, `acode-${date.replace(/-/g, '')}/${prefix}`);
    expect(quarantined.map((k) => k.slice(k.indexOf(prefix)))).toEqual(
      [files[0], files[2], `${prefix}${SUCCESS_MARKER}`].sort(),
    );
    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
  });

  test('a source column renamed: schema_change on the first attempt, the run fails and its recovery waits for a person', async () => {
    const date = '2025-08-05';
    const callsBefore = stack.calls.length;
    const restore = await renameAcodeColumn(stack, PRODUCTS, 'Holding', 'Holding_Group');
    let failure: unknown;
    try {
      const handle = await stack.start('acodeDailySync', { date }, acodeDailySyncId(date, 'primary'));
      failure = await failureOf(handle.result());
    } finally {
      await restore();
    }
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('schema_change');
    expect(cause.message).toContain(`failed at sync`);
    expect(cause.message).toMatch(/Holding/);
    const productSyncs = stack.calls.slice(callsBefore).filter((c) => c.name === 'syncTableToS3' && (c.input as { stream: string }).stream === PRODUCTS);
    expect(productSyncs).toHaveLength(1);
    expect(await listKeys(stack.s3, stack.buckets.bronze, `${partitionPrefix('acode', PRODUCTS, date)}${SUCCESS_MARKER}`)).toEqual([]);

    // schema_change → manual_intervention_required: a person is asked in #alerts; nobody answers here, so it pages and aborts.
    const recovery = (await stack.client.workflow.getHandle(recoveryId('acode', 'schema_change', date)).result()) as RecoveryResult;
    expect(recovery).toMatchObject({ strategy: 'manual_intervention_required', outcome: 'aborted' });
    expect(slackMentioning(stack, `ACODE ${date}: recovery needs a person (schema_change)`).map((m) => m.channel)).toEqual(['alerts']);
    expect(stack.calls.slice(callsBefore).filter((c) => c.name === 'syncTableToS3' && (c.input as { role: string }).role === 'backup')).toEqual([]);
  });

  test('Slack refuses every message: the sync still succeeds; its alert is retried 5 times, then given up', async () => {
    const date = '2025-08-04';
    const callsBefore = stack.calls.length;
    const slackBefore = stack.slack.received().length;
    stack.slack.setDown('error');
    let result: AcodeDailySyncResult;
    try {
      result = (await (await stack.start('acodeDailySync', { date }, acodeDailySyncId(date, 'primary'))).result()) as AcodeDailySyncResult;
    } finally {
      stack.slack.setDown(false);
    }
    expect(result.streams.map((s) => s.rows)).toEqual(ACODE_STREAM_NAMES.map((s) => stack.acode.rowCounts[s]));
    const attempts = stack.calls.slice(callsBefore).filter((c) => c.name === 'sendAlert');
    expect(attempts).toHaveLength(5);
    expect(attempts.every((c) => (c.input as { title: string }).title.includes(`ACODE ${date} synced from the primary`))).toBe(true);
    expect(stack.slack.received().slice(slackBefore).filter((m) => m.raw.includes(date))).toEqual([]);
  });
});
