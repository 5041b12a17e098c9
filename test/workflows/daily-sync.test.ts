/** The daily syncs on the local Temporal service (time skipping), a real worker, scripted outside systems. */
import { WorkflowFailedError } from '@temporalio/client';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import type { RadarDailySyncResult } from '../../workflows/radar-daily-sync';
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

const start = (type: string, input: Record<string, unknown>, id = `${type}-test-${++seq}`) =>
  env.client.workflow.start(type, { taskQueue: env.taskQueue, workflowId: id, args: [input] });

describe('acodeDailySync', () => {
  it('syncs the three streams from the primary, checks them and reports per stream', async () => {
    const result: AcodeDailySyncResult = await (await start('acodeDailySync', { date: '2025-08-07' })).result();
    expect(result).toMatchObject({ system: 'acode', date: '2025-08-07', source: 'primary', engine: 'direct', qualityScore: 98.5 });
    expect(result.streams.map((s) => [s.stream, s.rows])).toEqual([
      ['farmarcas_si_analitico_diario', 1000],
      ['farmarcas_si_analitico_diario_produtos', 100],
      ['farmarcas_si_analitico_diario_complemento', 500],
    ]);
    expect(result.streams[0].location).toBe('s3://farmarcas-production-bronze/origin=airbyte/database=bronze_acode/farmarcas_si_analitico_diario/cog_dt_ingestion=2025-08-07/');
    expect(systems.alerts).toEqual([expect.objectContaining({ severity: 'INFO', metrics: expect.objectContaining({ 'farmarcas_si_analitico_diario.rows': 1000 }) })]);
  });

  it('fails with the failure type and hands over to recovery when the landed rows differ from the source', async () => {
    const original = systems.activities.bind(systems);
    systems.activities = () => ({ ...original(), countSourceRows: async () => 999_999 });
    const failure = await (await start('acodeDailySync', { date: '2025-08-06' })).result().catch((e) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(failure.cause).toMatchObject({ type: 'data_corruption', message: expect.stringContaining('recovery recovery-acode-data_corruption-2025-08-06 started') });
    expect(systems.alerts.find((a) => a.severity === 'CRITICAL')).toMatchObject({ title: expect.stringContaining('failed at validation') });
    const recovery = env.client.workflow.getHandle('recovery-acode-data_corruption-2025-08-06');
    await waitFor('the recovery to start', async () => ((await recovery.describe()).type === 'recovery' ? true : undefined));
    await recovery.terminate('test over');
  });

  it('refuses malformed input before any activity runs', async () => {
    const failure = await (await start('acodeDailySync', { date: '2025-13-01' })).result().catch((e) => e);
    expect(failure.cause).toMatchObject({ type: 'invalid_input', message: expect.stringContaining('date') });
    expect(systems.calls).toHaveLength(0);
  });
});

describe('radarDailySync', () => {
  it('finishes as a partial success when a non-critical table fails, without its error text for login', async () => {
    systems.failingTables.set('login', 'unknown');
    const result: RadarDailySyncResult = await (await start('radarDailySync', { date: '2025-08-07', recoverOnFailure: false })).result();
    expect(result).toMatchObject({ outcome: 'partial', failedTables: ['login'] });
    expect(result.tables.find((t) => t.table === 'login')).toMatchObject({ status: 'failed', error: 'details withheld: sensitive table' });
    const text = JSON.stringify(systems.alerts);
    expect(text).not.toContain('secret_token');
    expect(systems.alerts.some((a) => a.severity === 'WARNING' && a.title.includes('failed: login'))).toBe(true);
  });

  it('aborts with a CRITICAL alert when a critical table fails, after its 2 retries 15 min apart', async () => {
    systems.failingTables.set('store', 'connection_timeout');
    const original = systems.activities.bind(systems);
    let storeAttempts = 0;
    systems.activities = () => {
      const acts = original();
      return {
        ...acts,
        syncTableToS3: async (input) => {
          if (input.stream === 'store') {
            storeAttempts++;
            throw new Error('store: connection lost');
          }
          return acts.syncTableToS3(input);
        },
      };
    };
    const skippedBefore = env.temporal.skippedMs();
    const failure = await (await start('radarDailySync', { date: '2025-08-07', recoverOnFailure: false })).result().catch((e) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(failure.cause.message).toContain('critical table store failed');
    expect(storeAttempts).toBe(3);
    expect(env.temporal.skippedMs() - skippedBefore).toBeGreaterThanOrEqual(29 * 60_000);
    expect(systems.alerts.find((a) => a.severity === 'CRITICAL')).toMatchObject({ title: expect.stringContaining('Radar 2025-08-07 sync aborted') });
  });
});
