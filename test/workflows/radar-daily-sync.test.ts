/**
 * Radar's daily sync on the whole stack (MariaDB with the Radar sample tables,
 * moto's S3, Airbyte simulator, alert receivers, Temporal's test server with time
 * skipping, the real activities), with real faults:
 *   - the reader refused SELECT on `login`: partial success, and no alert
 *     carries the table's error text;
 *   - the reader refused SELECT on `store` (critical): 3 attempts 15 min apart
 *     on the service clock, then abort with a CRITICAL alert;
 *   - Airbyte engine, the connection's first job failing in the simulator: the
 *     job is run again 15 min later and every table's partition is checked.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { partitionPrefix, SUCCESS_MARKER } from '../../config/pipelines';
import { radarDailySyncId } from '../../workflows/ids';
import type { RadarDailySyncResult } from '../../workflows/radar-daily-sync';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { listKeys } from '../scenarios/landed-data';
import { slackMentioning } from '../scenarios/scenario-checks';
import { grantRadarSelectPerTable, withholdRadarSelect } from './source-faults';
import { failureOf } from '../helpers/failure-of';
import { gapsBetween } from '../helpers/activity-holds';

let stack: Stack;
/** The four critical tables, the sensitive one and an ordinary one: enough for every branch, quick to sync. */
const RADAR_TABLES = ['store', 'product', 'user_access', 'brand_metrics_average', 'login', 'menu'];

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 200, radar: true, airbyteRadarTables: RADAR_TABLES });
  await grantRadarSelectPerTable(stack);
}, 60_000);
afterAll(() => stack?.teardown());

const MINUTE = 60_000;

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

  test('store refused by MySQL: tried in its batch, then twice on its own 15 min apart on the service clock, then the run aborts with a CRITICAL alert', async () => {
    const date = '2025-08-08';
    const callsBefore = stack.calls.length;
    const restore = await withholdRadarSelect(stack, 'store');
    let failure: unknown;
    const handle = await stack.start('radarDailySync', { date, tables: RADAR_TABLES, recoverOnFailure: false, timings: SHORT_TIMINGS }, radarDailySyncId(date));
    try {
      failure = await failureOf(handle.result());
    } finally {
      await restore();
    }
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.message).toContain('critical table store failed');
    expect(cause.message).toContain('SELECT command denied');

    // tried in the critical tables' batch, then twice on its own
    const calls = stack.calls.slice(callsBefore);
    expect(calls.filter((c) => c.name === 'syncTablesToS3' && (c.input as { streams: string[] }).streams.includes('store'))).toHaveLength(1);
    const storeAttempts = calls.filter((c) => c.name === 'syncTableToS3' && (c.input as { stream: string }).stream === 'store');
    expect(storeAttempts).toHaveLength(2);
    // 15 min between the attempts on the service clock (when each attempt was scheduled).
    const attempts = calls.filter((c) => (c.name === 'syncTablesToS3' && (c.input as { streams: string[] }).streams.includes('store')) || (c.name === 'syncTableToS3' && (c.input as { stream: string }).stream === 'store'));
    expect(attempts.map((c) => c.name)).toEqual(['syncTablesToS3', 'syncTableToS3', 'syncTableToS3']);
    for (const gap of gapsBetween(attempts)) {
      expect(gap).toBeGreaterThanOrEqual(15 * MINUTE);
      expect(gap).toBeLessThan(20 * MINUTE);
    }
    expect(await listKeys(stack.s3, stack.buckets.bronze, `${partitionPrefix('radar', 'store', date)}${SUCCESS_MARKER}`)).toEqual([]);

    const page = await stack.pagerDuty.waitFor((e) => e.dedup_key === radarDailySyncId(date));
    expect(page.payload?.summary).toContain(`Radar ${date} sync aborted`);
    expect(slackMentioning(stack, `Radar ${date} sync aborted`).map((m) => m.channel)).toContain('alerts');
  });

  test('Airbyte engine, the first job fails in Airbyte: the job runs again 15 min later, then every table\'s partition is checked', async () => {
    const date = '2025-08-09';
    stack.setAirbyteDate(date);
    const callsBefore = stack.calls.length;
    stack.airbyte.failNextJob('Source MySQL: Communications link failure');
    const handle = await stack.start('radarDailySync', { date, engine: 'airbyte', tables: RADAR_TABLES, timings: SHORT_TIMINGS }, radarDailySyncId(date));
    const result = (await handle.result()) as RadarDailySyncResult;

    expect(result).toMatchObject({ engine: 'airbyte', outcome: 'success', failedTables: [] });
    const triggers = stack.calls.slice(callsBefore).filter((c) => c.name === 'triggerAirbyteSync');
    expect(triggers.map((c) => c.input)).toEqual([{ connectionName: 'connection_mysql_s3_radar' }, { connectionName: 'connection_mysql_s3_radar' }]);
    // The job ran again 15 min later on the service clock.
    const [gap] = gapsBetween(triggers);
    expect(gap).toBeGreaterThanOrEqual(15 * MINUTE);
    expect(gap).toBeLessThan(20 * MINUTE);
    // every table's partition went through the lake's schema gate, and passed
    const inspected = stack.calls.slice(callsBefore).filter((c) => c.name === 'inspectPartition').map((c) => (c.input as { stream: string }).stream);
    expect(inspected.sort()).toEqual([...RADAR_TABLES].sort());
    for (const table of RADAR_TABLES) {
      const outcome = result.tables.find((t) => t.table === table)!;
      expect(outcome.status).toBe('synced');
      expect(outcome.files).toBeGreaterThan(0);
      const keys = await listKeys(stack.s3, stack.buckets.bronze, partitionPrefix('radar', table, date));
      expect(keys).toContain(`${partitionPrefix('radar', table, date)}${SUCCESS_MARKER}`);
      expect(outcome.files).toBe(keys.filter((k) => k.endsWith('.parquet')).length);
    }
    const done = await stack.slack.waitFor((m) => (m.text ?? '').includes(`Radar ${date} synced: 6/6 tables`));
    expect(done.channel).toBe('data-engineering');
  });
});
