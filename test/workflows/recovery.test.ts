/** Recovery on the local Temporal service (time skipping), a real worker, scripted outside systems. */
import { WorkflowFailedError } from '@temporalio/client';
import type { RecoveryResult } from '../../workflows/recovery';
import { recoveryProgressQuery, operatorDecisionSignal } from '../../workflows/messages';
import { delegatingActivities, ScriptedSystems } from './scripted-activities';
import { startWorkflowEnv, waitFor, type WorkflowEnv } from './workflow-env';

let env: WorkflowEnv;
let systems: ScriptedSystems;
let seq = 0;

beforeAll(async () => {
  env = await startWorkflowEnv(delegatingActivities(() => systems));
}, 60_000);
afterAll(async () => env?.close());
beforeEach(() => {
  systems = new ScriptedSystems();
});

const MIN = 60_000;

function start(input: Record<string, unknown>) {
  return env.client.workflow.start('recovery', { taskQueue: env.taskQueue, workflowId: `recovery-test-${++seq}`, args: [{ date: '2025-08-07', ...input }] });
}

describe('recovery strategy per failure type', () => {
  it('primary_db_down uses the backup at once, then reconciles the date', async () => {
    systems.up['acode/primary'] = false;
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'primary_db_down', engine: 'airbyte' })).result();
    expect(result).toMatchObject({ strategy: 'use_backup_immediately', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
    expect(systems.connections).toMatchObject({ connection_mysql_s3_acode: 'inactive', connection_mysql_s3_acode_backup: 'active' });
    expect(systems.callsOf('triggerAirbyteSync')).toEqual([{ connectionName: 'connection_mysql_s3_acode_backup' }]);
    expect(systems.callsOf('waitForAirbyteJob')).toEqual([expect.objectContaining({ pollIntervalMs: 2 * MIN, timeoutMs: 120 * MIN })]);
    expect(result.reconciliation).toMatchObject({ gapsFound: 6, recordsReconciled: 30 });
    expect(systems.callsOf('reconcilePartition')).toHaveLength(3);
  });

  it('authentication_failed with the direct engine syncs every stream from the backup into the backup bucket', async () => {
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'authentication_failed' })).result();
    expect(result.outcome).toBe('recovered');
    const syncs = systems.callsOf('syncTableToS3') as { role: string; bucket: string }[];
    expect(syncs).toHaveLength(3);
    expect(syncs.every((s) => s.role === 'backup' && s.bucket === 'backup')).toBe(true);
    expect(systems.callsOf('setConnectionStatus')).toHaveLength(0);
  });

  it('data_corruption quarantines each stream of the date before the full backup sync', async () => {
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'data_corruption', reason: 'bad parquet' })).result();
    expect(result).toMatchObject({ strategy: 'full_backup_restore', outcome: 'recovered' });
    const order = systems.calls.map((c) => c.name).filter((n) => n === 'quarantinePartition' || n === 'syncTableToS3');
    expect(order).toEqual(['quarantinePartition', 'quarantinePartition', 'quarantinePartition', 'syncTableToS3', 'syncTableToS3', 'syncTableToS3']);
    expect(systems.callsOf('quarantinePartition')[0]).toMatchObject({ bucket: 'bronze', date: '2025-08-07', reason: 'data_corruption: bad parquet' });
  });

  it('connection_timeout waits 5, 10 and 20 min (+ jitter ≤ 60 s), testing the primary after each, then runs the primary sync', async () => {
    systems.up['acode/primary'] = false;
    let probes = 0;
    const original = systems.activities.bind(systems);
    systems.activities = () => {
      const acts = original();
      return {
        ...acts,
        checkSourceConnectivity: async (input) => {
          if (input.role === 'primary' && ++probes === 3) systems.up['acode/primary'] = true;
          return acts.checkSourceConnectivity(input);
        },
      };
    };
    const skippedBefore = env.temporal.skippedMs();
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'connection_timeout' })).result();
    const skipped = env.temporal.skippedMs() - skippedBefore;
    expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', outcome: 'recovered' });
    expect(result.reconciliation).toBeUndefined();
    const waits = result.steps.filter((s) => s.step === 'waiting').map((s) => Number(/(\d+) s/.exec(s.detail ?? '')?.[1]));
    expect(waits).toHaveLength(3);
    [300, 600, 1200].forEach((base, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(base);
      expect(waits[i]).toBeLessThanOrEqual(base + 60);
    });
    expect(skipped).toBeGreaterThanOrEqual(35 * MIN);
    expect(skipped).toBeLessThan(40 * MIN);
    const syncs = systems.callsOf('syncTableToS3') as { role: string }[];
    expect(syncs.map((s) => s.role)).toEqual(['primary', 'primary', 'primary']);
  });

  it('connection_timeout escalates to the backup when the primary stays down', async () => {
    systems.up['acode/primary'] = false;
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'network_partition' })).result();
    expect(result).toMatchObject({ strategy: 'retry_primary_with_delay', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
    expect(result.steps.filter((s) => s.step === 'primary_tested')).toHaveLength(3);
    expect(result.reconciliation).toBeDefined();
  });
});

describe('manual intervention', () => {
  it('acts on the operator decision signalled while the recovery asks for a person', async () => {
    let release!: () => void;
    const asked = new Promise<void>((resolve) => {
      systems.onAlert = async (alert) => {
        if (alert.title.includes('needs a person')) {
          resolve();
          await new Promise<void>((r) => (release = r));
        }
      };
    });
    const handle = await start({ system: 'acode', failureType: 'schema_change' });
    await asked;
    const progress = await handle.query(recoveryProgressQuery);
    expect(progress.strategy).toBe('manual_intervention_required');
    await handle.signal(operatorDecisionSignal, { action: 'use_backup', operator: 'maria.santos', note: 'replica verified' });
    await waitFor('the decision recorded', async () => ((await handle.query(recoveryProgressQuery)).decision ? true : undefined));
    release();
    const result: RecoveryResult = await handle.result();
    expect(result).toMatchObject({ strategy: 'manual_intervention_required', finalStrategy: 'use_backup_immediately', outcome: 'recovered' });
    expect(result.decision).toEqual({ action: 'use_backup', operator: 'maria.santos', note: 'replica verified' });
    expect(result.steps.some((s) => s.step === 'paged')).toBe(false);
    expect(systems.alerts.filter((a) => a.severity === 'CRITICAL')).toHaveLength(0);
  });

  it('pages PagerDuty when nobody answers, then aborts at the final bound', async () => {
    const skippedBefore = env.temporal.skippedMs();
    const result: RecoveryResult = await (await start({ system: 'acode', failureType: 'unknown' })).result();
    expect(result.outcome).toBe('aborted');
    expect(result.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['waiting_for_operator', 'paged', 'aborted']));
    const critical = systems.alerts.filter((a) => a.severity === 'CRITICAL');
    expect(critical[0]).toMatchObject({ title: expect.stringContaining('nobody answered'), dedupKey: expect.stringContaining('recovery-test-') });
    const at = (step: string) => Date.parse(result.steps.find((s) => s.step === step)!.at);
    expect(at('paged') - at('waiting_for_operator')).toBeGreaterThanOrEqual(30 * MIN);
    expect(at('aborted') - at('waiting_for_operator')).toBeGreaterThanOrEqual(4 * 60 * MIN);
    expect(env.temporal.skippedMs() - skippedBefore).toBeGreaterThan(3.9 * 60 * MIN);
    expect(systems.callsOf('syncTableToS3')).toHaveLength(0);
  });

  it('refuses use_backup on Radar (no backup source) and takes abort', async () => {
    let release!: () => void;
    const asked = new Promise<void>((resolve) => {
      systems.onAlert = async (alert) => {
        if (alert.title.includes('needs a person')) {
          resolve();
          await new Promise<void>((r) => (release = r));
        }
      };
    });
    const handle = await start({ system: 'radar', failureType: 'primary_db_down' });
    await asked;
    await handle.signal(operatorDecisionSignal, { action: 'use_backup', operator: 'ana' });
    await handle.signal(operatorDecisionSignal, { action: 'abort', operator: 'ana', note: 'source migration' });
    await waitFor('the abort recorded', async () => ((await handle.query(recoveryProgressQuery)).decision ? true : undefined));
    const progress = await handle.query(recoveryProgressQuery);
    expect(progress.refusedDecisions).toEqual([expect.objectContaining({ action: 'use_backup', why: 'radar has no backup source' })]);
    release();
    const result: RecoveryResult = await handle.result();
    expect(result).toMatchObject({ strategy: 'manual_intervention_required', outcome: 'aborted' });
  });
});

describe('input', () => {
  it('refuses an unknown failure type before any activity runs', async () => {
    const handle = await start({ system: 'acode', failureType: 'meteor_strike' });
    const failure = await handle.result().catch((err) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'invalid_input', message: expect.stringContaining('failureType') });
    expect(systems.calls).toHaveLength(0);
  });
});
