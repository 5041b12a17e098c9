/**
 * manual_intervention_required end to end (schema_change): the recovery alerts
 * #alerts and waits for an operator's decision. Answered (use_backup) → the
 * backup path runs; not answered → PagerDuty after 30 min, aborted at the 4-h
 * bound (both skipped by the service clock). And bad requests (unknown failure
 * type, impossible date, SQL in a table name) refused before any I/O.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { BUCKETS, partitionPrefix } from '../../config/pipelines';
import { recoveryId } from '../../workflows/ids';
import { operatorDecisionSignal, recoveryProgressQuery } from '../../workflows/messages';
import type { RecoveryResult } from '../../workflows/recovery';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { pollUntil } from './poll-until';
import { listKeys } from './landed-data';
import { ACODE_STREAM_NAMES, connectionStatus, expectAcodePartitionsMatchSource, resetAcodeConnections, slackMentioning } from './scenario-checks';
import { failureOf } from '../helpers/failure-of';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false });
}, 60_000);
afterAll(() => stack?.teardown());
beforeEach(() => resetAcodeConnections(stack));

const HOUR = 3_600_000;

function startSchemaChangeRecovery(date: string) {
  stack.setAirbyteDate(date);
  return stack.start(
    'recovery',
    { system: 'acode', failureType: 'schema_change', date, engine: 'airbyte', reason: 'column Aliquota_ICMS changed type', timings: SHORT_TIMINGS },
    recoveryId('acode', 'schema_change', date),
  );
}

test('schema_change answered with use_backup: the backup path runs and the decision is on record', async () => {
  const date = '2024-07-01';
  const pin = await stack.pinClock();
  let pinned = true;
  try {
    const handle = await startSchemaChangeRecovery(date);
    await pollUntil('the recovery to wait for an operator', async () => {
      const progress = await handle.query(recoveryProgressQuery);
      return progress.step === 'waiting_for_operator' ? progress : undefined;
    });
    const asked = await stack.slack.waitFor((m) => (m.text ?? '').includes(`ACODE ${date}: recovery needs a person (schema_change)`), 5_000);
    expect(asked.channel).toBe('alerts');
    expect(asked.raw).toContain('retry_primary|use_backup|restore|abort');

    await handle.signal(operatorDecisionSignal, { action: 'use_backup', operator: 'ana.souza', note: 'schema fixed on the replica side' });
    await pin.release();
    pinned = false;

    const result = (await handle.result()) as RecoveryResult;
    expect(result.strategy).toBe('manual_intervention_required');
    expect(result.finalStrategy).toBe('use_backup_immediately');
    expect(result.outcome).toBe('recovered');
    expect(result.decision).toEqual({ action: 'use_backup', operator: 'ana.souza', note: 'schema fixed on the replica side' });
    expect(result.steps.some((s) => s.step === 'paged')).toBe(false);
    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
    expect(connectionStatus(stack, 'primary')).toBe('inactive');
    expect(connectionStatus(stack, 'backup')).toBe('active');
    expect(stack.pagerDuty.received().filter((e) => e.dedup_key === recoveryId('acode', 'schema_change', date))).toEqual([]);
  } finally {
    if (pinned) await pin.release();
  }
});

test('schema_change not answered: PagerDuty is paged after 30 min, then the 4-h bound aborts the recovery', async () => {
  const date = '2024-07-02';
  const id = recoveryId('acode', 'schema_change', date);
  const skippedBefore = await stack.skippedMs();
  const handle = await startSchemaChangeRecovery(date);
  const result = (await handle.result()) as RecoveryResult;
  expect(result.outcome).toBe('aborted');
  expect(result.finalStrategy).toBe('manual_intervention_required');
  const steps = result.steps.map((s) => s.step);
  expect(steps.indexOf('waiting_for_operator')).toBeLessThan(steps.indexOf('paged'));
  expect(steps[steps.length - 1]).toBe('aborted');
  expect((await stack.skippedMs()) - skippedBefore).toBeGreaterThanOrEqual(4 * HOUR - 60_000);

  const pages = stack.pagerDuty.received().filter((e) => e.dedup_key === id);
  expect(pages.length).toBeGreaterThanOrEqual(1);
  expect(pages.every((e) => e.event_action === 'trigger' && e.payload?.severity === 'critical')).toBe(true);
  expect(pages.some((e) => (e.payload?.summary ?? '').includes('nobody answered'))).toBe(true);
  // Every page of this recovery folds into one open incident.
  expect(stack.pagerDuty.openIncidents.get(id)).toBe(pages.length);
  expect(slackMentioning(stack, `ACODE ${date}: recovery aborted`).map((m) => m.channel)).toEqual(['alerts']);
  for (const bucket of ['bronze', 'backup'] as const) {
    for (const stream of ACODE_STREAM_NAMES) {
      expect(await listKeys(stack.s3, stack.buckets[bucket], partitionPrefix('acode', stream, date))).toEqual([]);
    }
  }
});

describe('bad requests are refused before any I/O', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['an unknown failure type', 'recovery', { system: 'acode', failureType: 'disk_on_fire', date: '2024-07-03' }, /failureType: expected one of .*got "disk_on_fire"/],
    ['an impossible date', 'acodeDailySync', { date: '2024-02-30' }, /date: invalid date "2024-02-30": no such calendar day/],
    ['SQL in a table name', 'acodeDailySync', { date: '2024-07-03', streams: ['farmarcas_si_analitico_diario; DROP TABLE x'] }, /streams\[0\]: not a table name/],
    ['a date that is not a date', 'reconciliation', { system: 'acode', date: "2024-07-03' OR 1=1" }, /date: invalid date/],
  ];
  test.each(cases)('%s', async (_what, workflowType, input, message) => {
    const callsBefore = stack.calls.length;
    const slackBefore = stack.slack.received().length;
    const pagesBefore = stack.pagerDuty.received().length;
    const handle = await stack.start(workflowType, input);
    const error = await failureOf(handle.result());
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('invalid_input');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect(cause?.message).toMatch(message);
    expect(cause?.message).not.toContain('\n');
    expect(cause?.message.startsWith(`${workflowType} input: `)).toBe(true);
    // No activity ran: no query, no object, no alert.
    expect(stack.calls.slice(callsBefore)).toEqual([]);
    expect(stack.slack.received().length).toBe(slackBefore);
    expect(stack.pagerDuty.received().length).toBe(pagesBefore);
    for (const bucket of Object.keys(BUCKETS) as (keyof typeof BUCKETS)[]) {
      expect(await listKeys(stack.s3, stack.buckets[bucket], 'origin=airbyte/database=bronze_acode/farmarcas_si_analitico_diario/cog_dt_ingestion=2024-07-03/')).toEqual([]);
    }
  });
});
