/**
 * Game day, data-corruption, on production timings: a Parquet file of the
 * day's fiscal partition damaged before validation reads it. Found by
 * validation; the partitions quarantined (the damaged bytes kept as they were),
 * the day restored from the backup with its integrity checks and reconciled
 * into bronze.
 */
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { dataCorruption } from '../../drill/scenarios/data-corruption';
import { expectDayComplete, expectServiceClockTimeline } from './gameday-checks';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(dataCorruption);
}, 240_000);

test('every objective met, no row lost', () => {
  expect(run.summary.objectives.filter((o) => !o.met)).toEqual([]);
  expect(run.summary.rowsLost).toBe(0);
  expectServiceClockTimeline(run, 0);
});

test('found by validation, quarantined (copied, verified, kept), restored from the backup, reconciled', () => {
  expect(String(run.end.syncFailure)).toMatch(/failed at validation: corrupted Parquet file s3:\/\/.*file_farmarcas_si_analitico_diario_001\.parquet/);
  expect(run.end).toMatchObject({ strategy: 'full_backup_restore', finalStrategy: 'full_backup_restore', outcome: 'recovered', damagedCopyIdentical: true });
  expect(run.end.quarantinedSteps).toHaveLength(3);
  expect(run.end.quarantinedObjects).toBeGreaterThanOrEqual(3);
  expect(String(run.end.damagedCopyKey)).toMatch(/^acode-\d{8}\//);
  expect(run.end.reconciled).toBeGreaterThan(0);
  expectDayComplete(run.end.backup as never);
  expectDayComplete(run.end.bronze as never);
});
