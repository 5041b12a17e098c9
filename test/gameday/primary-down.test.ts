/**
 * Game day, primary-down, on production timings: the primary MariaDB killed at
 * 02:01, back at 02:51 (service time). Detected by the 5-minute checks, failed
 * over after the third, the day landed from the backup and reconciled into
 * bronze well inside the objectives, switched back at the first 10-minute probe
 * after the primary returned, and the day re-read from it (the catch-up).
 */
import { DRILL_FAULTS } from '../../config/objectives';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { primaryDown } from '../../drill/scenarios/primary-down';
import { DEFAULT_TIMINGS } from '../../workflows/timings';
import { expectDayComplete, expectServiceClockTimeline, gaps, MINUTE } from './gameday-checks';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(primaryDown);
}, 240_000);

test('every objective met: detection, critical alert, page, landed, RTO, no row lost', () => {
  const s = run.summary;
  expect(s.objectives.filter((o) => !o.met)).toEqual([]);
  expect(s.passed).toBe(true);
  // the first check after the fault sees it: within one 5-minute interval
  expect(s.detectMs).toBeLessThanOrEqual(DEFAULT_TIMINGS.healthCheckIntervalMs);
  expect(s.pageMs).toBeDefined();
  expect(s.pageMs!).toBeLessThanOrEqual(15 * MINUTE);
  expect(s.rowsLost).toBe(0);
  expect(s.sourceRows).toBeGreaterThan(0);
});

test('the timeline runs on the service clock at production cadence: checks 5 min apart, failover on the 3rd failure, probes 10 min apart on the backup', () => {
  expectServiceClockTimeline(run, DRILL_FAULTS.primaryDownForMs);
  const faultAt = Date.parse(run.summary.faultAt);
  const failedChecks = run.events.filter((e) => e.kind === 'check' && e.level === 'critical');
  const beforeFailover = failedChecks.slice(0, DEFAULT_TIMINGS.failoverAfterFailures);
  // a cycle starts its 5-min wait once its checks are done: each gap is the interval plus the cycle's own seconds
  const checkGaps = gaps(beforeFailover, () => true);
  expect(checkGaps).toHaveLength(2);
  for (const g of checkGaps) {
    expect(g).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.healthCheckIntervalMs);
    expect(g).toBeLessThan(DEFAULT_TIMINGS.healthCheckIntervalMs + MINUTE);
  }
  const started = run.events.find((e) => e.kind === 'step' && e.label.endsWith(': started'))!;
  expect(started.at - beforeFailover[2].at).toBeLessThan(MINUTE);
  const probes = run.events.filter((e) => e.kind === 'check' && e.at > started.at);
  for (const g of gaps(probes, () => true)) expect(Math.round(g / MINUTE)).toBe(DEFAULT_TIMINGS.primaryProbeIntervalMs / MINUTE);
  // switch-back at the first probe after the primary returned
  expect(run.summary.switchBackMs).toBeGreaterThan(DRILL_FAULTS.primaryDownForMs);
  expect(run.summary.switchBackMs).toBeLessThanOrEqual(DRILL_FAULTS.primaryDownForMs + DEFAULT_TIMINGS.primaryProbeIntervalMs + MINUTE);
  expect(faultAt).toBeGreaterThan(0);
});

test('end state: recovered from the backup, reconciled into bronze, back on the primary', () => {
  expect(run.end).toMatchObject({
    strategy: 'use_backup_immediately',
    finalStrategy: 'use_backup_immediately',
    outcome: 'recovered',
    failovers: 1,
    switchBacks: 1,
    activeConnection: 'primary',
  });
  expect(run.end.reconciled).toBeGreaterThan(0);
  expect(run.end.catchUpId).toMatch(/-primary-catch-up$/);
  expect(run.events.some((e) => e.kind === 'data' && e.label.startsWith(`catch-up ${run.end.catchUpId} succeeded`))).toBe(true);
  expectDayComplete(run.end.backup as never);
  expectDayComplete(run.end.bronze as never);
});
