/**
 * Game day, replica-lagging, on production timings: the replica 10 min behind
 * when the primary dies. The choice the recovery makes (seed 003: a lagging
 * replica is a risk to report, not a reason to refuse it): fail over anyway,
 * name the lag in the CRITICAL failover alert, land what the replica holds. The
 * rows the replica had not applied are what the day lacks: the RPO objective is
 * missed by exactly those rows, and the drill says so.
 */
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { LATE_ROWS, replicaLagging } from '../../drill/scenarios/replica-lagging';
import { expectServiceClockTimeline, objective } from './gameday-checks';

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

test('detection, alert, landing and RTO met; exactly the rows the replica had not applied are lost', () => {
  for (const name of ['detect', 'critical alert', 'data landed after detection', 'RTO']) expect(objective(run, name).met).toBe(true);
  expect(objective(run, 'RPO (rows lost)').met).toBe(false);
  expect(run.summary.rowsLost).toBe(LATE_ROWS);
  expect(run.end.rowsLostPerStream).toMatchObject({ [ACODE_FISCAL_TABLE]: LATE_ROWS });
});
