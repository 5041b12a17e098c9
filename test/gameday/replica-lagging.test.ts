/**
 * Game day, replica-lagging, on production timings: the replica 10 min behind
 * when the primary dies. The choice the recovery makes (seed 003: a lagging
 * replica is a risk to report, not a reason to refuse it): fail over anyway,
 * name the lag in the CRITICAL failover alert, land what the replica holds. The
 * rows the replica had not applied are what the day lacks until the switch-back;
 * then the catch-up re-reads the day from the primary and no row is lost.
 */
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { LATE_ROWS, replicaLagging } from '../../drill/scenarios/replica-lagging';
import { expectDayComplete, expectServiceClockTimeline, objective } from './gameday-checks';
import { ACODE_STREAM_NAMES } from '../drills/landed-partitions';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(replicaLagging);
}, 240_000);

test('the lag is reported as a risk of the failover, and the failover happens anyway', () => {
  expect(run.end.failoverRisks).toEqual([expect.stringMatching(/replication lag is critical: failing over to it may lose recent rows/)]);
  expect(run.end.failoverAlertNamesRisk).toBe(true);
  expect(run.end).toMatchObject({ strategy: 'use_backup_immediately', outcome: 'recovered', failovers: 1, switchBacks: 1, activeConnection: 'primary' });
  expectServiceClockTimeline(run, 50 * 60_000);
});

test('every objective met: the rows the replica had not applied were missing until the catch-up from the primary, none at the end', () => {
  for (const name of ['detect', 'critical alert', 'data landed after detection', 'RTO', 'RPO (rows lost)']) expect(objective(run, name)).toMatchObject({ name, met: true });
  expect(run.end.rowsMissingBeforeCatchUp).toEqual({ [ACODE_FISCAL_TABLE]: LATE_ROWS, ...Object.fromEntries(ACODE_STREAM_NAMES.filter((s) => s !== ACODE_FISCAL_TABLE).map((s) => [s, 0])) });
  expect(run.summary.rowsLost).toBe(0);
  expect(run.end.catchUpId).toMatch(/^recovery-acode-primary_db_down-\d{4}-\d{2}-\d{2}-primary-catch-up$/);
  expect(run.summary.notes).toContain(`${LATE_ROWS} of ${run.summary.sourceRows} source rows missing from bronze between the landing from the backup and the catch-up`);
  expectDayComplete(run.end.bronze as never);
});
