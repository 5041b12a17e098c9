import { acodeDailySyncId, catchUpSyncId, dailySyncId, healthMonitorId, radarDailySyncId, recoveryId, recoverySyncId, runsUnderOwnId, SCHEDULE_IDS } from '../../workflows/ids';
import { previousDay, utcDay } from '../../config/calendar';
import { parseDuration, resolveTimings, DEFAULT_TIMINGS } from '../../workflows/timings';

describe('workflow ids', () => {
  it('follow the naming conventions', () => {
    expect(acodeDailySyncId('2025-08-07', 'backup')).toBe('acode-daily-2025-08-07-backup');
    expect(dailySyncId('acode', '2025-08-07')).toBe('acode-daily-2025-08-07-primary');
    expect(radarDailySyncId('2025-08-07')).toBe('radar-daily-2025-08-07');
    expect(dailySyncId('radar', '2025-08-07')).toBe('radar-daily-2025-08-07');
    expect(healthMonitorId('acode')).toBe('health-monitor-acode');
    expect(recoveryId('acode', 'primary_db_down', '2025-08-07')).toBe('recovery-acode-primary_db_down-2025-08-07');
    expect(SCHEDULE_IDS).toEqual({ acode: 'acode-daily-sync', radar: 'radar-daily-sync' });
  });

  it('a daily sync runs under its own id: the day\'s, a recovery\'s own sync, a catch-up; anything else launches the day\'s', () => {
    const day = acodeDailySyncId('2025-08-07', 'primary');
    const recovery = recoveryId('acode', 'primary_db_down', '2025-08-07');
    expect(catchUpSyncId(recovery)).toBe('recovery-acode-primary_db_down-2025-08-07-primary-catch-up');
    for (const own of [day, recoverySyncId(recovery, 'backup', 1), catchUpSyncId(recovery)]) expect(runsUnderOwnId(own, day)).toBe(true);
    for (const other of ['acode-daily-scheduled-2025-08-07T02:00:00Z', `${recovery}-backup-catch-up`, `${recovery}-primary-catch-up-2`]) expect(runsUnderOwnId(other, day)).toBe(false);
  });
});

describe('calendar', () => {
  it('gives the UTC day and the day before across month and leap-year edges', () => {
    expect(utcDay(new Date('2025-08-07T23:59:59.999Z'))).toBe('2025-08-07');
    expect(previousDay('2024-03-01')).toBe('2024-02-29');
    expect(previousDay('2025-01-01')).toBe('2024-12-31');
  });
});

describe('timings', () => {
  it('parse durations and refuse nonsense with the field name', () => {
    expect(parseDuration('90s', 'x')).toBe(90_000);
    expect(parseDuration('2h', 'x')).toBe(7_200_000);
    expect(parseDuration(15, 'x')).toBe(15);
    expect(() => parseDuration(-1, 'timings.a')).toThrow('timings.a');
    expect(() => parseDuration('5 minutes', 'timings.b')).toThrow('timings.b');
  });
  it('keep the seed defaults and do not share the default backoff list', () => {
    const t = resolveTimings(undefined);
    expect(t).toMatchObject({ retryJitterMs: 60_000, backupSyncTimeoutMs: 7_200_000, backupSyncPollMs: 120_000, radarJobTimeoutMs: 3_600_000 });
    expect(t).toMatchObject({ healthCheckIntervalMs: 300_000, primaryProbeIntervalMs: 600_000, radarRetries: 2, radarRetryDelayMs: 900_000 });
    expect(t).toMatchObject({ longRunAlertMs: 5_400_000, volumeChangeRatio: 0.2, failoverAfterFailures: 3 });
    t.retryBackoffMs.push(1);
    expect(DEFAULT_TIMINGS.retryBackoffMs).toHaveLength(3);
  });
  it('refuse bad counts and an abort bound shorter than the paging timeout', () => {
    expect(() => resolveTimings({ radarParallelism: 0 })).toThrow('radarParallelism');
    expect(() => resolveTimings({ radarRetries: 1.5 })).toThrow('radarRetries');
    expect(() => resolveTimings({ manualDecisionTimeoutMs: '2h', manualAbortAfterMs: '1h' })).toThrow('manualAbortAfterMs');
  });
});
