/**
 * Game day, schema-change-unanswered, on production timings: a renamed source
 * column and nobody deciding. The person-needed alert at once, the recovery's
 * PagerDuty escalation at 30 min, the abort at 4 h, the day reported missing.
 * The landing objectives are missed by design (the day waits for a person);
 * the test checks they are reported missed, with the rows the lake lacks.
 */
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { schemaChangeUnanswered } from '../../drill/scenarios/schema-change-unanswered';
import { DEFAULT_TIMINGS } from '../../workflows/timings';
import { expectServiceClockTimeline, MINUTE, objective } from './gameday-checks';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(schemaChangeUnanswered);
}, 240_000);

test('person-needed alert, PagerDuty at 30 min, abort at 4 h, on the service clock', () => {
  const faultAt = run.end.faultAt as number;
  expect(run.end).toMatchObject({ strategy: 'manual_intervention_required', outcome: 'aborted', dataMissingReported: true });
  expect(String(run.end.syncFailure)).toMatch(/schema change/);
  expect((run.end.personNeededAt as number) - faultAt).toBeLessThan(MINUTE);
  const paged = (run.end.recoveryPagedAt as number) - (run.end.personNeededAt as number);
  expect(paged).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.manualDecisionTimeoutMs);
  expect(paged).toBeLessThan(DEFAULT_TIMINGS.manualDecisionTimeoutMs + MINUTE);
  const aborted = (run.end.abortedAt as number) - (run.end.personNeededAt as number);
  expect(aborted).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.manualAbortAfterMs);
  expect(aborted).toBeLessThan(DEFAULT_TIMINGS.manualAbortAfterMs + MINUTE);
  expect(run.end.recoveryPages).toBe(2); // the escalation, then the abort
  expectServiceClockTimeline(run, DEFAULT_TIMINGS.manualAbortAfterMs);
});

test('the day is missing and reported so: landing, RTO and RPO missed; the fiscal stream never marked complete', () => {
  for (const name of ['detect', 'critical alert']) expect(objective(run, name)).toMatchObject({ name, met: true });
  for (const name of ['data landed after detection', 'RTO', 'RPO (rows lost)']) expect(objective(run, name).met).toBe(false);
  const perStream = run.end.rowsLostPerStream as Record<string, number>;
  expect(perStream[ACODE_FISCAL_TABLE]).toBeGreaterThan(0);
  expect(run.summary.rowsLost).toBe(Object.values(perStream).reduce((a, b) => a + b, 0));
  const fiscal = (run.end.bronze as { stream: string; complete: boolean }[]).find((s) => s.stream === ACODE_FISCAL_TABLE);
  expect(fiscal?.complete).toBe(false);
});
