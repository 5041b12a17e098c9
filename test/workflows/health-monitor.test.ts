/** The health monitor on the local Temporal service (time skipping), a real worker, scripted outside systems. */
import type { HealthState } from '../../workflows/health-state';
import { checkNowSignal, healthStateQuery, pauseSignal, resumeSignal } from '../../workflows/messages';
import { delegatingActivities, ScriptedSystems } from './scripted-activities';
import { startWorkflowEnv, waitFor, type WorkflowEnv } from './workflow-env';

let env: WorkflowEnv;
let systems: ScriptedSystems;

beforeAll(async () => {
  systems = new ScriptedSystems();
  env = await startWorkflowEnv(delegatingActivities(() => systems));
  // Airbyte writes under the day it runs: the service clock's day.
  systems.airbyteRunDate = () => new Date(env.temporal.now()).toISOString().slice(0, 10);
}, 60_000);
afterAll(async () => env?.close());

const primaryProbes = () =>
  (systems.callsOf('checkSourceConnectivity') as { system: string; role: string }[]).filter((c) => c.system === 'acode' && c.role === 'primary').length;

it('fails over after exactly 3 failed primary checks, then switches back when the primary answers, across continue-as-new', async () => {
  const handle = await env.client.workflow.start('healthMonitor', {
    taskQueue: env.taskQueue,
    workflowId: 'health-monitor-acode',
    args: [{ system: 'acode', engine: 'airbyte', timings: { healthCyclesPerRun: 4 } }],
  });
  const healthy = await waitFor('two healthy cycles', async () => {
    const s = await handle.query(healthStateQuery);
    return s.totalCycles >= 2 ? s : undefined;
  });
  expect(healthy).toMatchObject({ activeConnection: 'primary', consecutiveFailures: 0 });
  expect(healthy.lastChecks.map((c) => c.name)).toEqual(['primary_connectivity', 'freshness', 'airbyte_connection', 'recent_files', 'backup_connectivity', 'replication_lag']);
  // No file has landed in today's partition in this scripted world: only that check may complain.
  expect(healthy.lastChecks.filter((c) => c.level !== 'ok').every((c) => c.name === 'recent_files')).toBe(true);

  // Hold the monitor before it fails over: pause, then take the primary down.
  await handle.signal(pauseSignal);
  await waitFor('paused', async () => ((await handle.query(healthStateQuery)).paused ? true : undefined));
  systems.up['acode/primary'] = false;
  const probesBefore = primaryProbes();
  await handle.signal(resumeSignal);

  const failedOver: HealthState = await waitFor('failover', async () => {
    const s = await handle.query(healthStateQuery);
    return s.failovers === 1 ? s : undefined;
  });
  expect(primaryProbes() - probesBefore).toBe(3);
  expect(failedOver.activeConnection).toBe('backup');
  expect(failedOver.lastFailover).toMatchObject({ failureType: 'primary_db_down', recoveryWorkflowId: expect.stringMatching(/^recovery-acode-primary_db_down-\d{4}-\d{2}-\d{2}$/) });
  const critical = systems.alerts.find((a) => a.severity === 'CRITICAL' && a.title.includes('failing over'));
  expect(critical).toBeDefined();
  // The recovery it started ran the backup sync (use_backup_immediately).
  const recovery = env.client.workflow.getHandle(failedOver.lastFailover!.recoveryWorkflowId);
  expect(await recovery.result()).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered' });

  // While on the backup only the primary is probed; when it answers, the monitor switches back.
  systems.up['acode/primary'] = true;
  await handle.signal(checkNowSignal);
  const back: HealthState = await waitFor('switch back', async () => {
    const s = await handle.query(healthStateQuery);
    return s.switchBacks === 1 ? s : undefined;
  });
  expect(back).toMatchObject({ activeConnection: 'primary', failovers: 1, consecutiveFailures: 0 });
  expect(back.totalCycles).toBeGreaterThan(4); // carried over continue-as-new
  expect(systems.connections).toMatchObject({ connection_mysql_s3_acode: 'active', connection_mysql_s3_acode_backup: 'inactive' });
  expect(systems.alerts.some((a) => a.severity === 'INFO' && a.title.includes('switched back'))).toBe(true);

  await handle.terminate('test over');
}, 60_000);
