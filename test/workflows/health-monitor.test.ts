/**
 * The health monitor on the whole stack (MariaDB primary + replica, local S3,
 * Airbyte simulator, alert receivers, Temporal's test server with time skipping, the
 * real activities): healthy cycles with every check, the pause / checkNow /
 * resume signals, state carried across continue-as-new; and a replica whose IO
 * thread is stopped for real, reported as a risk and never failed over to.
 * Failover after the 3rd failed primary check and the switch-back are covered
 * by test/scenarios/health-monitor.test.ts.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { HealthState } from '../../workflows/health-state';
import { healthMonitorId } from '../../workflows/ids';
import { checkNowSignal, healthStateQuery, pauseSignal, resumeSignal } from '../../workflows/messages';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { pollUntil } from '../scenarios/poll-until';
import { pagesMentioning, resetAcodeConnections, slackMentioning } from '../scenarios/scenario-checks';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 1000, radar: false });
  await resetAcodeConnections(stack);
}, 60_000);
afterAll(() => stack?.teardown());

const CHECKS = ['primary_connectivity', 'freshness', 'airbyte_connection', 'recent_files', 'backup_connectivity', 'replication_lag'];

function startMonitor(cyclesPerRun: number): Promise<WorkflowHandle> {
  return stack.start('healthMonitor', { system: 'acode', engine: 'airbyte', timings: { ...SHORT_TIMINGS, healthCyclesPerRun: cyclesPerRun } }, healthMonitorId('acode'));
}

async function stop(monitor: WorkflowHandle): Promise<void> {
  await monitor.terminate('test over').catch((err) => {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  });
}

const isPrimaryProbe = (input: { role?: string }) => input.role === 'primary';
const primaryProbes = () => stack.calls.filter((c) => c.name === 'checkSourceConnectivity' && isPrimaryProbe(c.input as { role?: string })).length;
/** The monitor's state; a query that gets no answer in 5 s fails (and a poll asks again). */
const state = (monitor: WorkflowHandle) => stack.client.connection.withDeadline(Date.now() + 5_000, () => monitor.query(healthStateQuery)) as Promise<HealthState>;
/** Reads the monitor's state until `done`. */
const stateIs = (monitor: WorkflowHandle, what: string, done: (s: HealthState) => boolean) =>
  pollUntil(
    what,
    async () => {
      const s = await state(monitor);
      return done(s) ? s : undefined;
    },
    60_000,
  );
/**
 * The monitor's state once `done` holds, read cycle by cycle: time skips to the next primary
 * check, which is held while the state is read, so the monitor stands still meanwhile (a query
 * while time skips freely can wait behind one workflow task after another on a loaded machine).
 */
async function stateWhen(monitor: WorkflowHandle, what: string, done: (s: HealthState) => boolean): Promise<HealthState> {
  for (let cycle = 0; cycle < 20; cycle++) {
    const next = stack.hold('checkSourceConnectivity', isPrimaryProbe);
    await stack.skipTimeUntil(next.reached);
    try {
      const s = await state(monitor);
      if (done(s)) return s;
    } finally {
      next.release();
    }
  }
  throw new Error(`${what}: not seen within 20 cycles`);
}

test('healthy cycles run every check; pause holds them, checkNow runs one while paused, resume goes on across continue-as-new', async () => {
  const monitor = await startMonitor(3);
  try {
    const firstRunId = (await monitor.describe()).runId;
    const healthy = await stateWhen(monitor, 'two cycles', (s) => s.totalCycles >= 2);
    expect(healthy).toMatchObject({ activeConnection: 'primary', consecutiveFailures: 0, failovers: 0, risks: [] });
    expect(healthy.lastChecks.map((c) => c.name)).toEqual(CHECKS);
    // Nothing has landed in today's partition: only that check may complain (after 06:00 UTC on the service clock).
    expect(healthy.lastChecks.filter((c) => c.level !== 'ok').map((c) => c.name)).toEqual(
      healthy.lastChecks.some((c) => c.name === 'recent_files' && c.level !== 'ok') ? ['recent_files'] : [],
    );
    const check = (name: string) => healthy.lastChecks.find((c) => c.name === name)?.detail;
    expect(check('primary_connectivity')).toMatch(/^answered in \d+ ms$/);
    expect(check('freshness')).toContain(`latest Data_Processamento ${stack.acode.referenceTime.toISOString().slice(0, 16)}`);
    expect(check('airbyte_connection')).toBe('connection_mysql_s3_acode active');
    expect(check('replication_lag')).toMatch(/^\d+ s behind$/);

    // Pause while a cycle is in flight (its primary check held): that cycle ends, no other starts.
    const inFlight = stack.hold('checkSourceConnectivity', isPrimaryProbe);
    await stack.skipTimeUntil(inFlight.reached);
    const before = await state(monitor);
    await monitor.signal(pauseSignal);
    await stateIs(monitor, 'the pause', (s) => s.paused);
    const probesAtPause = primaryProbes();
    inFlight.release();
    const paused = await stateIs(monitor, 'the cycle in flight counted', (s) => s.totalCycles === before.totalCycles + 1);

    const asked = stack.hold('checkSourceConnectivity', isPrimaryProbe);
    await monitor.signal(checkNowSignal);
    await asked.reached;
    asked.release();
    const checked = await stateIs(monitor, 'the cycle asked for', (s) => s.totalCycles === paused.totalCycles + 1);
    expect(checked.paused).toBe(true);
    expect(primaryProbes() - probesAtPause).toBe(1);
    expect(Date.parse(checked.lastCheckAt!)).toBeGreaterThanOrEqual(Date.parse(paused.lastCheckAt!));

    await monitor.signal(resumeSignal);
    const resumed = await stateWhen(monitor, 'cycles in a later run', (s) => !s.paused && s.totalCycles >= checked.totalCycles + 3);
    expect((await monitor.describe()).runId).not.toBe(firstRunId);
    expect(resumed.cycles).toBeLessThan(resumed.totalCycles);
    expect(resumed).toMatchObject({ activeConnection: 'primary', failovers: 0 });
  } finally {
    await stop(monitor);
  }
}, 180_000);

test("the replica's IO thread stopped: replication reported critical as a risk, no failover, no recovery started", async () => {
  await stack.pair.stopReplicaIoThread();
  const monitor = await startMonitor(100);
  try {
    const risky = await stateWhen(monitor, 'the stopped replica seen', (s) => s.lastChecks.some((c) => c.name === 'replication_lag' && c.level === 'critical'));
    expect(risky.lastChecks.find((c) => c.name === 'replication_lag')?.detail).toMatch(/^replication stopped/);
    expect(risky.lastChecks.find((c) => c.name === 'backup_connectivity')?.level).toBe('ok');
    expect(risky.risks).toEqual(['backup replication lag is critical: failing over to it may lose recent rows']);
    expect(risky).toMatchObject({ health: 'unhealthy', activeConnection: 'primary', consecutiveFailures: 0, failovers: 0, lastFailover: null });

    const alert = await stack.slack.waitFor((m) => (m.text ?? '').includes('ACODE health healthy → unhealthy'));
    expect(alert.raw).toContain('replication_lag');
    // A few more cycles on the same state: still no failover.
    const later = await stateWhen(monitor, 'three more cycles', (s) => s.totalCycles >= risky.totalCycles + 3);
    expect(later).toMatchObject({ failovers: 0, activeConnection: 'primary' });
    expect(slackMentioning(stack, 'failing over')).toEqual([]);
    expect(pagesMentioning(stack, 'failing over')).toEqual([]);
    expect(stack.calls.filter((c) => c.name === 'syncTableToS3' || c.name === 'triggerAirbyteSync')).toEqual([]);
  } finally {
    await stop(monitor);
    await stack.pair.startReplica();
  }
});
