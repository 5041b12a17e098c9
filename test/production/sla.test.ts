/** The SLA view of `orchestrator status`: pure computation over monitor state and runs. */
import { formatSla, lastSuccess, successRate, systemSla, type RunRecord } from '../../client/sla';
import { initialHealthState, type HealthState } from '../../workflows/health-state';

const NOW = new Date('2024-06-30T12:00:00Z');
const daysAgo = (d: number, hour = 3) => new Date(NOW.getTime() - d * 86_400_000 + (hour - 12) * 3_600_000).toISOString();

function run(type: string, d: number, status: string): RunRecord {
  return { workflowId: `${type}-${d}`, type, status, startTime: daysAgo(d, 2), closeTime: status === 'RUNNING' ? undefined : daysAgo(d, 3) };
}

describe('success rate and last success', () => {
  const runs = [
    run('acodeDailySync', 1, 'COMPLETED'),
    run('acodeDailySync', 2, 'FAILED'),
    run('acodeDailySync', 3, 'COMPLETED'),
    run('acodeDailySync', 10, 'TIMED_OUT'),
    run('acodeDailySync', 20, 'COMPLETED'),
    run('acodeDailySync', 40, 'FAILED'),
    run('acodeDailySync', 0, 'RUNNING'),
  ];

  it('counts finished runs started within the window; running ones are left out', () => {
    expect(successRate(runs, NOW.getTime(), 7)).toEqual({ succeeded: 2, finished: 3, percent: 66.7 });
    expect(successRate(runs, NOW.getTime(), 30)).toEqual({ succeeded: 3, finished: 5, percent: 60 });
    expect(successRate([], NOW.getTime(), 7)).toEqual({ succeeded: 0, finished: 0, percent: null });
  });

  it('last success is the latest completed run, with its age in hours', () => {
    expect(lastSuccess(runs, NOW.getTime())).toEqual({ workflowId: 'acodeDailySync-1', at: daysAgo(1, 3), ageHours: 33 });
    expect(lastSuccess([run('x', 1, 'FAILED')], NOW.getTime())).toBeNull();
  });

  it('a bad timestamp is one clear error naming the run', () => {
    expect(() => successRate([{ workflowId: 'w1', type: 't', status: 'COMPLETED', startTime: 'yesterday' }], NOW.getTime(), 7)).toThrow(
      'status: w1 startTime: not a timestamp: "yesterday"',
    );
  });
});

describe('system SLA', () => {
  it('a healthy system with fresh data and every run succeeded meets the SLA', () => {
    const state: HealthState = {
      ...initialHealthState('acode'),
      lastCheckAt: daysAgo(0, 11),
      lastChecks: [{ name: 'freshness', level: 'ok', detail: 'latest Data_Processamento 2024-06-30 10:00:00' }],
    };
    const sla = systemSla('acode', state, [run('acodeDailySync', 0, 'COMPLETED'), run('radarDailySync', 1, 'FAILED')], NOW);
    expect(sla).toMatchObject({ monitor: 'running', health: 'healthy', activeConnection: 'primary', freshness: { level: 'ok' }, failovers: 0 });
    expect(sla.successRate7d.percent).toBe(100);
    expect(sla.breaches).toEqual([]);
    expect(formatSla([sla])).toContain('SLA            met');
  });

  it('reports failovers, stale data, a low success rate and the backup as breaches', () => {
    const state: HealthState = {
      ...initialHealthState('acode'),
      health: 'unhealthy',
      activeConnection: 'backup',
      failovers: 2,
      switchBacks: 1,
      lastFailover: { at: daysAgo(1, 4), failureType: 'primary_db_down', reasons: ['3 failed checks'], recoveryWorkflowId: 'recovery-acode' },
      lastChecks: [{ name: 'freshness', level: 'critical', detail: 'latest Data_Processamento 2024-06-28 01:00:00' }],
    };
    const runs = [run('acodeDailySync', 2, 'COMPLETED'), run('acodeDailySync', 1, 'FAILED'), run('acodeDailySync', 0, 'RUNNING')];
    const sla = systemSla('acode', state, runs, NOW);
    expect(sla.failovers).toBe(2);
    expect(sla.running).toEqual(['acodeDailySync-0']);
    expect(sla.breaches).toEqual([
      'freshness critical (> 24 h): latest Data_Processamento 2024-06-28 01:00:00',
      'last successful sync 57 h ago (> 24 h)',
      '30-day success rate 50 % below 99.9 %',
      'running on the backup source',
    ]);
    const text = formatSla([sla]);
    expect(text).toContain('failovers      2 (switch-backs 1), last');
    expect(text).toContain('primary_db_down');
    expect(text).toContain('7 d 50 % (1/2)');
  });

  it('no monitor and no runs: unknown health and the gaps named', () => {
    const sla = systemSla('radar', undefined, [], NOW);
    expect(sla).toMatchObject({ monitor: 'absent', health: 'unknown', lastSuccess: null, freshness: { level: 'unknown' } });
    expect(sla.breaches).toEqual(['health monitor not running', 'no successful daily sync on record']);
  });
});
