import { DEFAULT_TIMINGS, MAX_DURATION_MS, TIMING_RULES, isTimingName, resolveTimings } from '../../workflows/timings';
import { parseRecoveryInput } from '../../workflows/inputs';

describe('timings are looked up as own properties only', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__'])('%s is an unknown timing', (name) => {
    expect(isTimingName(name)).toBe(false);
    const overrides = JSON.parse(`{${JSON.stringify(name)}: 1000}`);
    expect(() => resolveTimings(overrides)).toThrow(`timings.${name}: unknown timing`);
  });

  it('refuses them in a workflow input too, as the Temporal UI would send them', () => {
    const input = JSON.parse('{"system":"acode","failureType":"schema_change","timings":{"__proto__":{"healthCheckIntervalMs":1}}}');
    expect(() => parseRecoveryInput(input, '2025-08-07')).toThrow(expect.objectContaining({ type: 'invalid_input', message: expect.stringContaining('__proto__: unknown timing') }));
  });

  it('every default is within its own bounds and every timing has a rule', () => {
    expect(Object.keys(TIMING_RULES).sort()).toEqual(Object.keys(DEFAULT_TIMINGS).sort());
    expect(resolveTimings({ ...DEFAULT_TIMINGS })).toEqual(DEFAULT_TIMINGS);
  });
});

describe('timings are bounded', () => {
  it.each([
    [{ acodeSyncPollMs: 0 }, 'acodeSyncPollMs: at least 1000 ms'],
    [{ backupSyncPollMs: '500ms' }, 'backupSyncPollMs: at least 1000 ms'],
    [{ radarJobPollMs: 999 }, 'radarJobPollMs: at least 1000 ms'],
    [{ healthCheckIntervalMs: 10 }, 'healthCheckIntervalMs: at least 1000 ms'],
    [{ primaryProbeIntervalMs: 0 }, 'primaryProbeIntervalMs: at least 1000 ms'],
    [{ connectivityTimeoutMs: 0 }, 'connectivityTimeoutMs: at least 1000 ms'],
    [{ backupSyncTimeoutMs: '25h' }, 'backupSyncTimeoutMs: at most 24 h'],
    [{ manualAbortAfterMs: MAX_DURATION_MS + 1 }, 'manualAbortAfterMs: at most 24 h'],
    [{ retryBackoffMs: ['2d'] }, 'retryBackoffMs[0]: at most 24 h'],
    [{ retryBackoffMs: Array(11).fill(1000) }, 'retryBackoffMs: expected a list of 1 to 10 durations'],
    [{ radarParallelism: 33 }, 'radarParallelism: expected an integer from 1 to 32'],
    [{ healthCyclesPerRun: 1e9 }, 'healthCyclesPerRun: expected an integer from 1 to 1000'],
    [{ radarRetries: -1 }, 'radarRetries: expected an integer from 0 to 10'],
    [{ volumeChangeRatio: 1e6 }, 'volumeChangeRatio: expected a ratio above 0 and at most 100'],
  ])('%j is refused', (overrides, message) => {
    expect(() => resolveTimings(overrides)).toThrow(message);
  });

  it('accepts the edges: a 1 s poll, 24 h bounds, zero waits where a wait may be zero', () => {
    const t = resolveTimings({ acodeSyncPollMs: '1s', backupSyncTimeoutMs: '24h', retryBackoffMs: [0, '1m'], retryJitterMs: 0, manualDecisionTimeoutMs: '1h', manualAbortAfterMs: '24h' });
    expect(t).toMatchObject({ acodeSyncPollMs: 1000, backupSyncTimeoutMs: MAX_DURATION_MS, retryBackoffMs: [0, 60_000], retryJitterMs: 0, manualAbortAfterMs: MAX_DURATION_MS });
  });
});
