/**
 * Game day, s3-outage, on production timings: S3 answers 503 to every request
 * for 20 min from the first upload of the day's sync. The sync fails as
 * storage_unavailable; the recovery asks S3 every minute (HeadBucket) and
 * re-runs the sync once it answers; no partition is ever marked complete with
 * data missing; the day lands within a few minutes of S3's return, inside the
 * 30-min objective (the 5/10/20-min backoff alone landed it ~37 min after
 * detection: it did not re-try between 16 and 36 min).
 */
import { DRILL_FAULTS, RECOVERY_OBJECTIVES } from '../../config/objectives';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { s3Outage } from '../../drill/scenarios/s3-outage';
import { DEFAULT_TIMINGS } from '../../workflows/timings';
import { expectDayComplete, expectServiceClockTimeline, objective } from './gameday-checks';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(s3Outage);
}, 240_000);

test('retried through the outage, the day landed after S3 returned, no row lost, within the RTO', () => {
  expect(run.end).toMatchObject({ syncOutcome: 'failed', strategy: 'retry_primary_with_delay', finalStrategy: 'retry_primary_with_delay', recoveryOutcome: 'recovered' });
  expect(String(run.end.recoveryId)).toMatch(/^recovery-acode-storage_unavailable-/);
  expect(run.end.s3RequestsFailed).toBeGreaterThan(3);
  expect(run.summary.landedMs).toBeGreaterThan(DRILL_FAULTS.s3OutageForMs);
  for (const name of ['detect', 'critical alert', 'RTO', 'RPO (rows lost)']) expect(objective(run, name)).toMatchObject({ name, met: true });
  expect(run.summary.rowsLost).toBe(0);
  expectDayComplete(run.end.bronze as never);
  expectServiceClockTimeline(run, DRILL_FAULTS.s3OutageForMs);
});

test('no partition marked complete with data missing, after the failed sync or at the end', () => {
  expect(run.end.completeButWrongAfterSync).toEqual([]);
  expect(run.end.completeButWrongAtEnd).toEqual([]);
});

test('S3 asked every minute: the re-run follows its return, the day lands within 30 min of detection', () => {
  const landed = objective(run, 'data landed after detection');
  expect(landed.met).toBe(true);
  expect(landed.value).toBeLessThanOrEqual(RECOVERY_OBJECTIVES.landedAfterDetectionWithinMs);
  // the storage answered at the first check after its return, and the one re-run landed the day
  const back = Date.parse(run.summary.faultAt) + DRILL_FAULTS.s3OutageForMs;
  const answered = run.events.find((e) => e.label.includes('storage_tested') && e.label.includes('answered'));
  expect(answered).toBeDefined();
  expect(answered!.at).toBeGreaterThanOrEqual(back);
  expect(answered!.at).toBeLessThanOrEqual(back + DEFAULT_TIMINGS.storageProbeIntervalMs + 60_000);
  expect(run.end.recoverySyncRuns).toBe(1);
});
