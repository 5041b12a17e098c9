import {
  backoffSchedule,
  decideFailover,
  errorRate,
  ERROR_RATE_WINDOW,
  escalationAfterRetries,
  freshnessLevel,
  recentFilesLevel,
  replicationLagLevel,
  severityForLevel,
  severityForRecoveryStart,
  strategyFor,
  summarizeHealth,
  volumeChangeExceeded,
} from '../../workflows/policy';

describe('strategyFor', () => {
  it.each([
    ['connection_timeout', 'retry_primary_with_delay'],
    ['network_partition', 'retry_primary_with_delay'],
    ['authentication_failed', 'use_backup_immediately'],
    ['primary_db_down', 'use_backup_immediately'],
    ['data_corruption', 'full_backup_restore'],
    ['schema_change', 'manual_intervention_required'],
    ['airbyte_failure', 'manual_intervention_required'],
    ['stale_data', 'manual_intervention_required'],
    ['storage_unavailable', 'retry_primary_with_delay'],
    ['unknown', 'manual_intervention_required'],
    ['something_new', 'manual_intervention_required'],
  ])('%s on ACODE → %s', (failure, strategy) => {
    expect(strategyFor(failure, 'acode')).toBe(strategy);
  });

  it('sends backup strategies to a person on Radar, which has no backup source', () => {
    expect(strategyFor('primary_db_down', 'radar')).toBe('manual_intervention_required');
    expect(strategyFor('data_corruption', 'radar')).toBe('manual_intervention_required');
    expect(strategyFor('connection_timeout', 'radar')).toBe('retry_primary_with_delay');
    expect(escalationAfterRetries('radar')).toBe('manual_intervention_required');
    expect(escalationAfterRetries('acode')).toBe('use_backup_immediately');
  });
});

describe('backoffSchedule', () => {
  const base = [300_000, 600_000, 1_200_000];
  it('adds no jitter when the source draws 0 and the full minute when it draws 1', () => {
    expect(backoffSchedule(base, 60_000, () => 0)).toEqual(base);
    expect(backoffSchedule(base, 60_000, () => 1)).toEqual([360_000, 660_000, 1_260_000]);
  });
  it('keeps every wait within [base, base + jitter] and follows the random source', () => {
    const draws = [0.25, 0.5, 0.75];
    let i = 0;
    const waits = backoffSchedule(base, 60_000, () => draws[i++]);
    expect(waits).toEqual([315_000, 630_000, 1_245_000]);
  });
  it('is repeatable for the same seeded source', () => {
    const seeded = (seed: number) => () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    expect(backoffSchedule(base, 60_000, seeded(42))).toEqual(backoffSchedule(base, 60_000, seeded(42)));
  });
});

describe('levels', () => {
  it('grades freshness at 12 h and 24 h', () => {
    expect(freshnessLevel(3600)).toBe('ok');
    expect(freshnessLevel(12 * 3600)).toBe('warning');
    expect(freshnessLevel(24 * 3600)).toBe('critical');
    expect(freshnessLevel(null)).toBe('critical');
  });
  it('grades replication lag at 300 s and 600 s, stopped replication critical', () => {
    expect(replicationLagLevel(10)).toBe('ok');
    expect(replicationLagLevel(300)).toBe('warning');
    expect(replicationLagLevel(601)).toBe('critical');
    expect(replicationLagLevel(null)).toBe('critical');
  });
  it('expects files only after the sync window', () => {
    expect(recentFilesLevel(0, 3)).toBe('ok');
    expect(recentFilesLevel(0, 7)).toBe('warning');
    expect(recentFilesLevel(4, 7)).toBe('ok');
  });
});

describe('decideFailover', () => {
  const ok = (n: number) => Array.from({ length: n }, () => true);
  it('fails over on the third consecutive primary failure, not before', () => {
    const base = { recentOutcomes: [], freshness: 'ok' as const, replication: 'ok' as const, lastFailureType: 'primary_db_down' as const };
    expect(decideFailover({ ...base, consecutivePrimaryFailures: 2 }).failover).toBe(false);
    const d = decideFailover({ ...base, consecutivePrimaryFailures: 3 });
    expect(d.failover).toBe(true);
    expect(d.failureType).toBe('primary_db_down');
  });
  it('fails over on an error rate above 10 % once the window is full', () => {
    const outcomes = [...ok(ERROR_RATE_WINDOW - 3), false, true, false, true, false];
    expect(errorRate(outcomes)).toBeCloseTo(3 / ERROR_RATE_WINDOW);
    expect(decideFailover({ consecutivePrimaryFailures: 1, recentOutcomes: outcomes, freshness: 'ok', replication: 'ok' }).failover).toBe(true);
    expect(errorRate([false, false])).toBe(0);
  });
  it('fails over on stale data with failure type stale_data', () => {
    const d = decideFailover({ consecutivePrimaryFailures: 0, recentOutcomes: [], freshness: 'critical', replication: 'ok' });
    expect(d).toMatchObject({ failover: true, failureType: 'stale_data' });
  });
  it('reports a lagging replica as a risk, never as a reason', () => {
    const d = decideFailover({ consecutivePrimaryFailures: 0, recentOutcomes: [], freshness: 'ok', replication: 'critical' });
    expect(d.failover).toBe(false);
    expect(d.risks).toHaveLength(1);
  });
});

describe('summaries and severities', () => {
  it('lets the worst check decide the health', () => {
    expect(summarizeHealth([{ name: 'a', level: 'ok', detail: '' }])).toBe('healthy');
    expect(summarizeHealth([{ name: 'a', level: 'ok', detail: '' }, { name: 'b', level: 'warning', detail: '' }])).toBe('degraded');
    expect(summarizeHealth([{ name: 'b', level: 'warning', detail: '' }, { name: 'c', level: 'critical', detail: '' }])).toBe('unhealthy');
  });
  it('maps levels and strategies to severities', () => {
    expect(severityForLevel('critical')).toBe('CRITICAL');
    expect(severityForLevel('warning')).toBe('WARNING');
    expect(severityForLevel('ok')).toBe('INFO');
    expect(severityForRecoveryStart('manual_intervention_required')).toBe('ERROR');
    expect(severityForRecoveryStart('use_backup_immediately')).toBe('WARNING');
  });
  it('flags a data-volume change beyond 20 %', () => {
    expect(volumeChangeExceeded(100, 121, 0.2)).toBe(true);
    expect(volumeChangeExceeded(100, 79, 0.2)).toBe(true);
    expect(volumeChangeExceeded(100, 110, 0.2)).toBe(false);
    expect(volumeChangeExceeded(0, 110, 0.2)).toBe(false);
  });
});
