/**
 * healthMonitor's failover counting on stand-in activities: the third consecutive
 * failed primary check (every 5 min) fails over: CRITICAL alert, recovery started
 * as a child (ABANDON), the backup active and the primary probed every 10 min; a
 * check that succeeds resets the count; the count and the rest of the state carry
 * across continue-as-new. Each test holds the first probe made on the backup, so
 * the monitor (which never ends) stands still while its state is read.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { FailureType } from '../../../config/failures';
import type { HealthState } from '../../../workflows/health-state';
import { healthMonitorId, recoveryId } from '../../../workflows/ids';
import { healthStateQuery } from '../../../workflows/messages';
import type { RecoveryResult } from '../../../workflows/recovery';
import { healthy, type StandinCall, type Standins } from '../../helpers/standin-activities';
import { attributesOf, captureHistory, childStarts, useFastEnv } from './fast-env';

const env = useFastEnv();

const MINUTE = 60_000;
const ID = healthMonitorId('acode');
const isPrimaryProbe = (c: StandinCall) => c.workflowType === 'healthMonitor' && c.name === 'checkSourceConnectivity' && c.input.role === 'primary';

/**
 * The monitor's primary probes answer in turn: true is up, a failure type is down with it.
 * After the script, the probe made on the backup (`probes.length + 1`) is held.
 */
function scriptPrimary(probes: (true | FailureType)[]): { standins: Standins; heldProbe: Promise<StandinCall> } {
  let made = 0;
  const standins = env.use({
    checkSourceConnectivity: (input, call) => {
      if (!isPrimaryProbe(call)) return healthy.checkSourceConnectivity(input);
      const answer = probes[made++] ?? true;
      return answer === true ? { ok: true, latencyMs: 6 } : { ok: false, latencyMs: 30_000, failureType: answer, error: `primary: ${answer}` };
    },
  });
  const hold = standins.hold('checkSourceConnectivity', (_input, call) => isPrimaryProbe(call) && standins.calls.filter(isPrimaryProbe).length === probes.length + 1);
  return { standins, heldProbe: hold.reached };
}

const failovers = (standins: Standins) => standins.callsOf('sendAlert', (c) => c.workflowId === ID && c.input.title.includes('primary failing'));
const state = (handle: WorkflowHandle) => handle.query(healthStateQuery) as Promise<HealthState>;

async function recoveryOf(s: HealthState): Promise<RecoveryResult> {
  return (await env.client.workflow.getHandle(s.lastFailover?.recoveryWorkflowId ?? 'none').result()) as RecoveryResult;
}

test('the third consecutive failed check fails over: CRITICAL alert, recovery child (ABANDON), then the primary probed every 10 min', async () => {
  const { standins, heldProbe } = scriptPrimary(['primary_db_down', 'primary_db_down', 'primary_db_down']);
  const handle = await env.start('healthMonitor', { system: 'acode' }, ID);
  const onBackup = await env.skipTimeUntil(heldProbe);
  const s = await state(handle);

  const date = s.lastFailover?.at.slice(0, 10) ?? 'none';
  const recovery = recoveryId('acode', 'primary_db_down', date);
  expect(s).toMatchObject({ activeConnection: 'backup', consecutiveFailures: 0, failovers: 1, totalCycles: 3 });
  expect(s.lastFailover).toMatchObject({ failureType: 'primary_db_down', reasons: ['3 consecutive primary failures'], recoveryWorkflowId: recovery });

  const probes = standins.calls.filter(isPrimaryProbe);
  const [alert] = failovers(standins);
  expect(failovers(standins)).toHaveLength(1);
  expect(alert.seq).toBeGreaterThan(probes[2].seq);
  expect(alert.input).toMatchObject({ severity: 'CRITICAL', title: 'ACODE primary failing (primary_db_down): failing over to the backup', dedupKey: recovery });
  // Checks 5 min apart on the primary, 10 min on the backup (plus the few ms a cycle takes).
  expect(probes.slice(1).map((p, i) => Math.floor((p.scheduledAt - probes[i].scheduledAt) / MINUTE))).toEqual([5, 5, 10]);
  expect(onBackup.seq).toBe(probes[3].seq);

  expect(await childStarts(handle)).toEqual([{ workflowType: 'recovery', workflowId: recovery, parentClosePolicy: 'ABANDON' }]);
  const recovered = await recoveryOf(s);
  expect(recovered).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });
  const [started] = standins.alerts((c) => c.workflowId === recovery);
  expect(started.metrics?.reason).toBe(`${ID}: 3 consecutive primary failures`);
});

test('a successful check resets the count: down, down, up, down, down, down fails over after the sixth check only', async () => {
  const down: FailureType = 'authentication_failed';
  const { standins, heldProbe } = scriptPrimary([down, down, true, down, down, down]);
  const handle = await env.start('healthMonitor', { system: 'acode' }, ID);
  await env.skipTimeUntil(heldProbe);
  const s = await state(handle);

  const probes = standins.calls.filter(isPrimaryProbe);
  const alerts = failovers(standins);
  expect(alerts).toHaveLength(1);
  expect(alerts[0].seq).toBeGreaterThan(probes[5].seq);
  expect(alerts[0].seq).toBeLessThan(probes[6].seq);
  expect(s).toMatchObject({ activeConnection: 'backup', failovers: 1, totalCycles: 6 });
  expect(s.recentOutcomes).toEqual([false, false, true, false, false, false]);
  expect(s.lastFailover).toMatchObject({ failureType: down, reasons: ['3 consecutive primary failures'] });
  expect(await childStarts(handle)).toHaveLength(1);
  expect(await recoveryOf(s)).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });
});

test('the count carries across continue-as-new: two failed checks in the first run, the third in the second run fails over', async () => {
  const { standins, heldProbe } = scriptPrimary(['primary_db_down', 'primary_db_down', 'primary_db_down']);
  const handle = await env.start('healthMonitor', { system: 'acode', timings: { healthCyclesPerRun: 2 } }, ID);
  const firstRunId = handle.firstExecutionRunId;
  await env.skipTimeUntil(heldProbe);

  const probes = standins.calls.filter(isPrimaryProbe);
  const secondRunId = probes[2].runId;
  expect(probes.map((p) => p.runId)).toEqual([firstRunId, firstRunId, secondRunId, secondRunId]);
  expect(secondRunId).not.toBe(firstRunId);
  expect((await env.client.workflow.getHandle(ID, firstRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');

  // The second run started from the carried state: two failures counted, timings kept.
  const secondRun = env.client.workflow.getHandle(ID, secondRunId);
  const [started] = attributesOf(await secondRun.fetchHistory(), 'workflowExecutionStartedEventAttributes');
  const input = defaultPayloadConverter.fromPayload<{ timings: unknown; carriedState: HealthState }>(started.input?.payloads?.[0] ?? {});
  expect(input.timings).toEqual({ healthCyclesPerRun: 2 });
  expect(input.carriedState).toMatchObject({ consecutiveFailures: 2, cycles: 2, totalCycles: 2, failovers: 0, recentOutcomes: [false, false] });

  const [alert] = failovers(standins);
  expect(alert.runId).toBe(secondRunId);
  const s = await state(handle);
  expect(s).toMatchObject({ activeConnection: 'backup', failovers: 1, cycles: 1, totalCycles: 3, recentOutcomes: [false, false, false] });
  expect(await childStarts(secondRun)).toEqual([{ workflowType: 'recovery', workflowId: s.lastFailover?.recoveryWorkflowId, parentClosePolicy: 'ABANDON' }]);
  expect(await recoveryOf(s)).toMatchObject({ outcome: 'recovered' });
  await captureHistory(secondRun, 'health-monitor-after-continue-as-new');
});
