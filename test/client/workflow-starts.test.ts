import { planStart } from '../../client/workflow-starts';
import { runCli, type CliIo } from '../../client/cli';

const now = new Date('2025-08-07T09:00:00Z');

describe('planStart', () => {
  it('makes the daily date explicit and names the run after it', () => {
    const plan = planStart('acodeDailySync', { source: 'backup' }, now);
    expect(plan).toMatchObject({
      workflowId: 'acode-daily-2025-08-07-backup',
      input: { source: 'backup', date: '2025-08-07' },
      idReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      idConflictPolicy: 'FAIL',
    });
    expect(planStart('radarDailySync', {}, now).workflowId).toBe('radar-daily-2025-08-07');
  });

  it('joins running monitors and recoveries', () => {
    expect(planStart('healthMonitor', { system: 'acode' }, now)).toMatchObject({ workflowId: 'health-monitor-acode', idConflictPolicy: 'USE_EXISTING' });
    expect(planStart('recovery', { system: 'acode', failureType: 'primary_db_down' }, now)).toMatchObject({
      workflowId: 'recovery-acode-primary_db_down-2025-08-07',
      idConflictPolicy: 'USE_EXISTING',
    });
  });

  it('refuses bad input and unknown workflows before anything starts', () => {
    expect(() => planStart('recovery', { system: 'acode', failureType: 'meteor' }, now)).toThrow(/failureType/);
    expect(() => planStart('nightlyBackup', {}, now)).toThrow(/unknown workflow "nightlyBackup"/);
  });
});

describe('orchestrator CLI without a server', () => {
  function io(): CliIo & { outs: string[]; errs: string[]; connects: number } {
    const state = {
      outs: [] as string[],
      errs: [] as string[],
      connects: 0,
      connect: async () => {
        state.connects++;
        throw new Error('connect should not be reached');
      },
      out: (t: string) => state.outs.push(t),
      err: (t: string) => state.errs.push(t),
      readInput: () => '{not json',
    };
    return state;
  }

  it.each([
    [['start', 'recovery', '--input', '{"system":"acode"}'], /failureType/],
    [['start', 'acodeDailySync', '--input', '{oops'], /--input: not valid JSON/],
    [['alert', 'alert.json'], /alert alert.json: not valid JSON/],
    [['list', '--limit', '0'], /--limit/],
    [['schedules', 'apply', '--engine', 'spark'], /--engine/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['start', '--bogus'], /bogus/],
    [['signal', 'constructor', 'health-monitor-acode'], /unknown signal "constructor"/],
    [['signal', 'toString', 'health-monitor-acode'], /unknown signal "toString"/],
    [['start', 'recovery', '--input', '{"system":"acode","failureType":"schema_change","timings":{"__proto__":{"x":1}}}'], /timings: __proto__: unknown timing/],
    [['start', 'recovery', '--input', '{"system":"acode","failureType":"schema_change","timings":{"constructor":1000}}'], /timings: constructor: unknown timing/],
    [['start', 'healthMonitor', '--input', '{"system":"acode","timings":{"healthCheckIntervalMs":0}}'], /healthCheckIntervalMs: at least 1000 ms/],
    [['start', 'acodeDailySync', '--input', '{"timings":{"acodeSyncTimeoutMs":"25h"}}'], /acodeSyncTimeoutMs: at most 24 h/],
    [['serve-alerts', '--host', '0.0.0.0', '--port', '0'], /refusing to listen on 0\.0\.0\.0 without a secret/],
    [['serve-alerts', '--host', '0.0.0.0'], /ALERT_INTAKE_TOKEN: expected a token of at least 16 characters/, { ALERT_INTAKE_TOKEN: 'short' }],
  ])('%j fails with one line and never connects', async (argv, message, env: NodeJS.ProcessEnv = {}) => {
    const state = { ...io(), env };
    expect(await runCli(argv as string[], state)).toBe(1);
    expect(state.connects).toBe(0);
    expect(state.errs).toHaveLength(1);
    expect(state.errs[0]).toMatch(message);
    expect(state.errs[0]).not.toContain('\n');
  });
});
