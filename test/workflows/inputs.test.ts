import { ApplicationFailure } from '@temporalio/common';
import {
  parseAcodeDailySyncInput,
  parseHealthMonitorInput,
  parseOperatorDecision,
  parseRadarDailySyncInput,
  parseReconciliationInput,
  parseRecoveryInput,
} from '../../workflows/inputs';
import { DEFAULT_TIMINGS } from '../../workflows/timings';

function refusal(run: () => unknown): ApplicationFailure {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('invalid_input');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).not.toContain('\n');
    return failure;
  }
  throw new Error('expected the input to be refused');
}

describe('acodeDailySync input', () => {
  it('fills defaults from an empty object', () => {
    const p = parseAcodeDailySyncInput({}, '2025-08-07');
    expect(p).toMatchObject({ date: '2025-08-07', source: 'primary', engine: 'direct', recoverOnFailure: true });
    expect(p.streams).toHaveLength(3);
    expect(p.timings.retryBackoffMs).toEqual([300_000, 600_000, 1_200_000]);
  });
  it('takes overrides, durations as strings or milliseconds', () => {
    const p = parseAcodeDailySyncInput(
      { date: '2024-02-29', source: 'backup', engine: 'airbyte', timings: { backupSyncPollMs: '5s', retryBackoffMs: [1000, '2s'] } },
      '2025-08-07',
    );
    expect(p).toMatchObject({ date: '2024-02-29', source: 'backup', engine: 'airbyte' });
    expect(p.timings.backupSyncPollMs).toBe(5000);
    expect(p.timings.retryBackoffMs).toEqual([1000, 2000]);
    expect(p.timings.manualDecisionTimeoutMs).toBe(DEFAULT_TIMINGS.manualDecisionTimeoutMs);
  });
  it.each([
    [{ date: '2025-02-30' }, 'date'],
    [{ date: 20250801 }, 'date'],
    [{ source: 'replica' }, 'source'],
    [{ engine: 42 }, 'engine'],
    [{ streams: ['farmarcas_si_analitico_diario; DROP TABLE x'] }, 'streams[0]'],
    [{ streams: ['vendas'] }, 'streams[0]'],
    [{ timings: { healthCheckIntervalMs: 'soon' } }, 'healthCheckIntervalMs'],
    [{ timings: { backoff: 1 } }, 'backoff'],
    [{ surce: 'backup' }, 'surce'],
    ['primary', 'input'],
  ])('refuses %j naming %s', (input, field) => {
    expect(refusal(() => parseAcodeDailySyncInput(input, '2025-08-07')).message).toContain(field);
  });
});

describe('recovery input', () => {
  it('requires a known failure type and a system', () => {
    expect(parseRecoveryInput({ system: 'acode', failureType: 'primary_db_down' }, '2025-08-07')).toMatchObject({
      system: 'acode',
      failureType: 'primary_db_down',
      date: '2025-08-07',
      engine: 'direct',
    });
    expect(refusal(() => parseRecoveryInput({ system: 'acode', failureType: 'disk_full' }, '2025-08-07')).message).toContain('failureType');
    expect(refusal(() => parseRecoveryInput({ failureType: 'unknown' }, '2025-08-07')).message).toContain('system');
  });
});

describe('other inputs', () => {
  it('radar tables must be identifiers, and known when a list is given', () => {
    expect(parseRadarDailySyncInput({ tables: ['store', 'login'] }, '2025-08-07').tables).toEqual(['store', 'login']);
    expect(refusal(() => parseRadarDailySyncInput({ tables: ['store`; --'] }, '2025-08-07')).message).toContain('tables[0]');
    expect(refusal(() => parseRadarDailySyncInput({ tables: ['nope'] }, '2025-08-07', ['store'])).message).toContain('unknown table nope');
    expect(refusal(() => parseRadarDailySyncInput({ tables: ['store', 'store'] }, '2025-08-07')).message).toContain('twice');
  });
  it('health monitor needs a system', () => {
    expect(parseHealthMonitorInput({ system: 'radar' }).system).toBe('radar');
    expect(refusal(() => parseHealthMonitorInput({})).message).toContain('system');
  });
  it('reconciliation needs an explicit date', () => {
    expect(parseReconciliationInput({ system: 'acode', date: '2025-08-01' }).date).toBe('2025-08-01');
    expect(refusal(() => parseReconciliationInput({ system: 'acode' })).message).toContain('date');
  });
  it('operator decisions name an action and a person', () => {
    expect(parseOperatorDecision({ action: 'use_backup', operator: 'maria' })).toEqual({ action: 'use_backup', operator: 'maria', note: undefined });
    expect(refusal(() => parseOperatorDecision({ action: 'reboot', operator: 'maria' })).message).toContain('action');
    expect(refusal(() => parseOperatorDecision({ action: 'abort', operator: '' })).message).toContain('operator');
  });
});
