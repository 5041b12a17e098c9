/**
 * The daily syncs on the whole stack (MariaDB pair with ACODE and Radar sample
 * data, local S3, alert receivers, local Temporal with time skipping, the real
 * activities), with real faults:
 *   - ACODE on the direct engine lands, checks and reports every stream;
 *   - a Parquet file of the fiscal partition deleted between the sync and the
 *     row count: data_corruption, CRITICAL alert, recovery started and run;
 *   - Radar's reader refused SELECT on `login`: partial success, and no alert
 *     carries the table's error text;
 *   - Radar's reader refused SELECT on `store` (critical): 3 attempts 15 min
 *     apart on the service clock, then abort with a CRITICAL alert.
 * Refused inputs are covered by test/scenarios/manual-intervention.test.ts
 * ("bad requests are refused before any I/O") and test/drills/security-drills.test.ts.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { partitionPrefix, SUCCESS_MARKER } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId, radarDailySyncId, recoveryId } from '../../workflows/ids';
import type { RadarDailySyncResult } from '../../workflows/radar-daily-sync';
import type { RecoveryResult } from '../../workflows/recovery';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn } from '../scenarios/landed-data';
import { ACODE_STREAM_NAMES, expectAcodePartitionsMatchSource, slackMentioning } from '../scenarios/scenario-checks';
import { withholdRadarSelect } from './source-faults';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: true, extract: { maxRowsPerFile: 1000 } });
}, 60_000);
afterAll(() => stack?.teardown());

const MINUTE = 60_000;
const FISCAL = ACODE_STREAM_NAMES[0];
/** The four critical tables, the sensitive one and an ordinary one: enough for every branch, quick to sync. */
const RADAR_TABLES = ['store', 'product', 'user_access', 'brand_metrics_average', 'login', 'menu'];

/** Every alert text received for `fragment`, Slack and PagerDuty together. */
function alertText(fragment: string): string {
  const slack = stack.slack.received().filter((m) => m.raw.includes(fragment)).map((m) => m.raw);
  const pages = stack.pagerDuty.received().filter((e) => e.raw.includes(fragment)).map((e) => e.raw);
  return [...slack, ...pages].join('\n');
}

/** Failure messages of the activity attempts in a workflow's history. */
async function activityFailureMessages(workflowId: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const failure = e.activityTaskFailedEventAttributes?.failure;
    return failure ? [String(failure.message ?? '')] : [];
  });
}

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
    await inspection.reached;
    const files = (await listKeys(stack.s3, stack.buckets.bronze, prefix)).filter((k) => k.endsWith('.parquet'));
    expect(files).toHaveLength(3);
    const lostRows = (await parquetColumn(stack.s3, stack.buckets.bronze, files[1])).length;
    expect(lostRows).toBeGreaterThan(0);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.buckets.bronze, Key: files[1] }));
    inspection.release();

    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    const sourceRows = stack.acode.rowCounts[FISCAL];
    const recoveryWorkflowId = recoveryId('acode', 'data_corruption', date);
    expect(cause.type).toBe('data_corruption');
    expect(cause.message).toContain(`holds ${sourceRows - lostRows} rows, the source ${sourceRows}`);
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
});

describe('radarDailySync', () => {
  test('login refused by MySQL: partial success, the other tables land, and no alert carries the error of the sensitive table', async () => {
    const date = '2025-08-07';
    const workflowId = radarDailySyncId(date);
    const restore = await withholdRadarSelect(stack, 'login');
    let result: RadarDailySyncResult;
    try {
      const handle = await stack.start('radarDailySync', { date, tables: RADAR_TABLES, recoverOnFailure: false, timings: SHORT_TIMINGS }, workflowId);
      result = (await handle.result()) as RadarDailySyncResult;
    } finally {
      await restore();
    }
    expect(result).toMatchObject({ outcome: 'partial', failedTables: ['login'] });
    expect(result.tables.find((t) => t.table === 'login')).toMatchObject({ status: 'failed', error: 'details withheld: sensitive table' });
    for (const table of RADAR_TABLES.filter((t) => t !== 'login')) {
      expect(result.tables.find((t) => t.table === table)).toMatchObject({ status: 'synced', rows: stack.radar!.rowCounts[table] });
    }
    expect(await listKeys(stack.s3, stack.buckets.bronze, partitionPrefix('radar', 'login', date))).toEqual([]);

    // The refusal was MySQL's own, and its text stopped at the workflow.
    const failures = await activityFailureMessages(workflowId);
    expect(failures.some((m) => m.includes('SELECT command denied'))).toBe(true);
    const warning = await stack.slack.waitFor((m) => (m.text ?? '').includes(`Radar ${date} synced: 5/6 tables, failed: login`));
    expect(warning.channel).toBe('data-engineering');
    const text = alertText(`Radar ${date}`);
    expect(text).toContain('failed: login');
    expect(text).not.toMatch(/denied|bi-cognitivo-read|Password|Refresh_Token/i);
  });

  test('store refused by MySQL: 3 attempts 15 min apart on the service clock, then the run aborts with a CRITICAL alert', async () => {
    const date = '2025-08-08';
    const callsBefore = stack.calls.length;
    const skippedBefore = stack.service?.skippedMs() ?? 0;
    const realStart = Date.now();
    const restore = await withholdRadarSelect(stack, 'store');
    let failure: unknown;
    try {
      const handle = await stack.start('radarDailySync', { date, tables: RADAR_TABLES, recoverOnFailure: false, timings: SHORT_TIMINGS }, radarDailySyncId(date));
      failure = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
    } finally {
      await restore();
    }
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.message).toContain('critical table store failed');
    expect(cause.message).toContain('SELECT command denied');

    const storeAttempts = stack.calls.slice(callsBefore).filter((c) => c.name === 'syncTableToS3' && (c.input as { stream: string }).stream === 'store');
    expect(storeAttempts).toHaveLength(3);
    // Service time = real time + skipped time: at least the two 15-min waits between the attempts.
    const serviceElapsed = Date.now() - realStart + (stack.service ? stack.service.skippedMs() - skippedBefore : 30 * MINUTE);
    expect(serviceElapsed).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(serviceElapsed).toBeLessThan(45 * MINUTE);
    expect(await listKeys(stack.s3, stack.buckets.bronze, `${partitionPrefix('radar', 'store', date)}${SUCCESS_MARKER}`)).toEqual([]);

    const page = await stack.pagerDuty.waitFor((e) => e.dedup_key === radarDailySyncId(date));
    expect(page.payload?.summary).toContain(`Radar ${date} sync aborted`);
    expect(slackMentioning(stack, `Radar ${date} sync aborted`).map((m) => m.channel)).toContain('alerts');
  });
});
