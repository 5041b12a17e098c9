/**
 * The health monitor end to end: with the primary MariaDB stopped, no failover
 * after 2 failed checks, failover after exactly the 3rd (CRITICAL alert,
 * PagerDuty, recovery started with the failure type read from the error, which
 * moves the pipeline to the backup); when the primary answers again, switch-back
 * (backup connection off, primary on) with a recovery alert, and the day
 * re-read from the primary into bronze (the catch-up).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { healthMonitorId, recoveryId } from '../../workflows/ids';
import { healthStateQuery } from '../../workflows/messages';
import type { HealthState } from '../../workflows/health-state';
import type { RecoveryResult } from '../../workflows/recovery';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { pollUntil } from './poll-until';
import { connectionStatus, expectAcodePartitionsMatchSource, resetAcodeConnections } from './scenario-checks';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false });
  await resetAcodeConnections(stack);
}, 60_000);
afterAll(() => stack?.teardown());

const isPrimaryProbe = (input: { role?: string }) => input.role === 'primary';

test('failover after exactly 3 failed primary checks, recovery on the backup, switch-back when the primary returns', async () => {
  await stack.pair.stopPrimary();
  let primaryDown = true;
  const monitor = await stack.start('healthMonitor', { system: 'acode', engine: 'airbyte', timings: SHORT_TIMINGS }, healthMonitorId('acode'));
  try {
    // Hold each of the first three primary checks in turn, and look at the state before letting it run.
    const seen: HealthState[] = [];
    let held = stack.hold('checkSourceConnectivity', isPrimaryProbe);
    for (let check = 1; check <= 3; check++) {
      await stack.skipTimeUntil(held.reached);
      seen.push(await monitor.query(healthStateQuery));
      const current = held;
      if (check < 3) held = stack.hold('checkSourceConnectivity', isPrimaryProbe);
      current.release();
    }
    expect(seen.map((s) => s.consecutiveFailures)).toEqual([0, 1, 2]);
    expect(seen.every((s) => s.failovers === 0 && s.activeConnection === 'primary' && s.lastFailover === null)).toBe(true);
    expect(seen[2].lastChecks.find((c) => c.name === 'primary_connectivity')?.level).toBe('critical');

    const failedOver = await stack.skipTimeUntil(
      pollUntil('the failover', async () => {
        const state = await monitor.query(healthStateQuery);
        return state.failovers === 1 ? state : undefined;
      }),
    );
    expect(failedOver.activeConnection).toBe('backup');
    expect(failedOver.lastFailover?.failureType).toBe('primary_db_down');
    expect(failedOver.lastFailover?.reasons).toEqual(['3 consecutive primary failures']);
    const date = failedOver.lastFailover!.at.slice(0, 10);
    const recoveryWorkflowId = recoveryId('acode', 'primary_db_down', date);
    expect(failedOver.lastFailover?.recoveryWorkflowId).toBe(recoveryWorkflowId);

    const page = await stack.pagerDuty.waitFor((e) => e.dedup_key === recoveryWorkflowId, 5_000);
    expect(page.payload?.severity).toBe('critical');
    expect(page.payload?.summary).toContain('failing over to the backup');

    const recovery = (await stack.client.workflow.getHandle(recoveryWorkflowId).result()) as RecoveryResult;
    expect(recovery.strategy).toBe('use_backup_immediately');
    expect(recovery.outcome).toBe('recovered');
    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
    expect(connectionStatus(stack, 'primary')).toBe('inactive');
    expect(connectionStatus(stack, 'backup')).toBe('active');

    await stack.pair.startPrimary();
    primaryDown = false;
    // The primary is probed every 10 min on the backup: time skips while the test waits. The
    // switch-back is counted in one workflow task and its catch-up recorded once that run has
    // started, in a later one: the state is read once both are in.
    const back = await stack.skipTimeUntil(
      pollUntil('the switch-back and its catch-up', async () => {
        const state = await monitor.query(healthStateQuery);
        return state.switchBacks === 1 && state.lastCatchUp ? state : undefined;
      }, 30_000),
    );
    expect(back.activeConnection).toBe('primary');
    expect(back.failovers).toBe(1);
    expect(connectionStatus(stack, 'primary')).toBe('active');
    expect(connectionStatus(stack, 'backup')).toBe('inactive');
    const alert = await stack.slack.waitFor((m) => (m.text ?? '').includes('ACODE primary is back: switched back from the backup'), 5_000);
    expect(alert.channel).toBe('data-engineering');
    // the catch-up: the failover's day read again from the primary, through its (active again) connection
    const catchUpId = `${recoveryWorkflowId}-primary-catch-up`;
    expect(back.lastCatchUp).toEqual({ workflowId: catchUpId, date });
    expect(alert.raw).toContain(catchUpId);
    const catchUp = stack.client.workflow.getHandle(catchUpId);
    expect((await catchUp.describe()).type).toBe('acodeDailySync');
    await catchUp.result();
    await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'primary');
  } finally {
    await monitor.terminate('scenario over').catch((err) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
    if (primaryDown) await stack.pair.startPrimary();
  }
});
