/**
 * retry_primary_with_delay end to end: the primary MariaDB is stopped, the
 * recovery waits 5, 10, 20 min (+ jitter, skipped by the service clock) and
 * re-tests it after each wait. Back during the backoff → the primary sync lands
 * in bronze; down through all three → escalation to the backup.
 */
import { partitionPrefix } from '../../config/pipelines';
import { recoveryId } from '../../workflows/ids';
import { recoveryProgressQuery } from '../../workflows/messages';
import type { RecoveryResult } from '../../workflows/recovery';
import type { RecoveryProgress } from '../../workflows/recovery-progress';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { listKeys } from './landed-data';
import { ACODE_STREAM_NAMES, connectionStatus, expectAcodePartitionsMatchSource, resetAcodeConnections } from './scenario-checks';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false });
}, 60_000);
afterAll(() => stack?.teardown());
beforeEach(() => resetAcodeConnections(stack));

const MINUTE = 60_000;
const isPrimaryProbe = (input: { role?: string }) => input.role === 'primary';

/** Seconds of each backoff wait, read from the recovery's history. */
function waitsOf(steps: RecoveryResult['steps']): number[] {
  return steps.filter((s) => s.step === 'waiting').map((s) => Number(/^(\d+) s/.exec(s.detail ?? '')?.[1]));
}

async function startRecovery(failureType: 'connection_timeout' | 'network_partition', date: string) {
  stack.setAirbyteDate(date);
  return stack.start(
    'recovery',
    { system: 'acode', failureType, date, engine: 'airbyte', reason: 'scenario', timings: SHORT_TIMINGS },
    recoveryId('acode', failureType, date),
  );
}

test('connection_timeout: the primary comes back after the first failed re-test → the primary sync lands in bronze', async () => {
  const date = '2024-06-01';
  await stack.pair.stopPrimary();
  const skippedBefore = await stack.skippedMs();
  // The second re-test is held until the test has seen the first one fail and restarted the primary.
  const first = stack.hold('checkSourceConnectivity', isPrimaryProbe);
  const handle = await startRecovery('connection_timeout', date);
  await stack.skipTimeUntil(first.reached);
  const second = stack.hold('checkSourceConnectivity', isPrimaryProbe);
  first.release();
  await stack.skipTimeUntil(second.reached);

  const progress: RecoveryProgress = await handle.query(recoveryProgressQuery);
  expect(progress.strategy).toBe('retry_primary_with_delay');
  expect(progress.attempts).toBe(2);
  const tested = progress.history.filter((s) => s.step === 'primary_tested');
  expect(tested).toHaveLength(1);
  expect(tested[0].detail).toMatch(/^attempt 1: (?!answered)/);
  await stack.pair.startPrimary();
  second.release();

  const result = (await handle.result()) as RecoveryResult;
  expect(result.outcome).toBe('recovered');
  expect(result.finalStrategy).toBe('retry_primary_with_delay');
  expect(result.steps.filter((s) => s.step === 'primary_tested').map((s) => s.detail)).toEqual([
    expect.not.stringMatching(/answered/),
    expect.stringMatching(/^attempt 2: answered in \d+ ms/),
  ]);
  expect(result.reconciliation).toBeUndefined();
  const waits = waitsOf(result.steps);
  expect(waits).toHaveLength(2);
  expect(waits[0]).toBeGreaterThanOrEqual(300);
  expect(waits[0]).toBeLessThanOrEqual(360);
  expect(waits[1]).toBeGreaterThanOrEqual(600);
  expect(waits[1]).toBeLessThanOrEqual(660);
  expect((await stack.skippedMs()) - skippedBefore).toBeGreaterThanOrEqual(15 * MINUTE);

  await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'primary');
  for (const stream of ACODE_STREAM_NAMES) {
    expect(await listKeys(stack.s3, stack.buckets.backup, partitionPrefix('acode', stream, date))).toEqual([]);
  }
  expect(connectionStatus(stack, 'primary')).toBe('active');
  expect(connectionStatus(stack, 'backup')).toBe('inactive');
  await stack.slack.waitFor((m) => (m.text ?? '').includes(`ACODE ${date}: recovery recovered (retry_primary_with_delay)`), 5_000);
});

test('network_partition: the primary stays down through 5, 10 and 20 min → escalation to the backup', async () => {
  const date = '2024-06-02';
  await stack.pair.stopPrimary();
  const skippedBefore = await stack.skippedMs();
  try {
    const handle = await startRecovery('network_partition', date);
    const result = (await handle.result()) as RecoveryResult;
    expect(result.strategy).toBe('retry_primary_with_delay');
    expect(result.finalStrategy).toBe('use_backup_immediately');
    expect(result.outcome).toBe('recovered');
    const tested = result.steps.filter((s) => s.step === 'primary_tested');
    expect(tested.map((s) => s.detail)).toEqual([1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^attempt ${n}: (?!answered)`))));
    const waits = waitsOf(result.steps);
    expect(waits).toHaveLength(3);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual([300, 600, 1200][i]);
      expect(w).toBeLessThanOrEqual([360, 660, 1260][i]);
    });
    expect((await stack.skippedMs()) - skippedBefore).toBeGreaterThanOrEqual(35 * MINUTE);

    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
    // the reconciliation lands the day where readers read too, from the backup
    await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'backup');
    expect(connectionStatus(stack, 'primary')).toBe('inactive');
    expect(connectionStatus(stack, 'backup')).toBe('active');
    expect(result.reconciliation).toBeDefined();
  } finally {
    await stack.pair.startPrimary();
  }
});
