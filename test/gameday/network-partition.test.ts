/**
 * Game day, network-partition, on production timings: the network to the
 * primary is cut for 12 min from the window's opening, in the scenario's
 * default `drop` mode — every connection reset at once, as behind a firewall
 * REJECT — so each failed connection check returns in milliseconds and the
 * drill takes well under a minute. The `swallow` mode (accepted, never
 * answered: each check waits its real 30-s timeout, a couple of minutes in all)
 * runs with `npm run drill -- network-partition --swallow`; that it times out
 * where `drop` resets is test/local/partition-proxy.test.ts's.
 */
import { DRILL_FAULTS } from '../../config/objectives';
import { runScenario } from '../../drill/run-scenario';
import type { ScenarioRun } from '../../drill/scenario';
import { DEFAULT_PARTITION_MODE, networkPartition } from '../../drill/scenarios/network-partition';
import { DEFAULT_TIMINGS } from '../../workflows/timings';
import { expectDayComplete, expectServiceClockTimeline, MINUTE } from './gameday-checks';

jest.setTimeout(240_000);

let run: ScenarioRun;
beforeAll(async () => {
  run = await runScenario(networkPartition);
}, 240_000);

test('the partition drops connections (resets them) rather than swallowing them', () => {
  expect(DEFAULT_PARTITION_MODE).toBe('drop');
  expect(run.end).toMatchObject({ partitionMode: 'drop', swallowedConnections: 0 });
  expect(run.events.find((e) => e.kind === 'fault')?.label).toMatch(/\(drop\): connections reset/);
});

test('every objective met; back on the primary without the backup', () => {
  expect(run.summary.objectives.filter((o) => !o.met)).toEqual([]);
  expect(run.summary.rowsLost).toBe(0);
  expect(run.end).toMatchObject({
    strategy: 'retry_primary_with_delay',
    finalStrategy: 'retry_primary_with_delay',
    outcome: 'recovered',
    usedBackup: false,
    reconciled: false,
    monitorFailovers: 0,
    monitorActiveConnection: 'primary',
  });
  expectDayComplete(run.end.bronze as never);
  for (const s of run.end.backup as { files: number }[]) expect(s.files).toBe(0);
});

test('the backoff on production timings: 5 min (+ ≤ 60 s) still cut, 10 min (+ ≤ 60 s) back', () => {
  expectServiceClockTimeline(run, DRILL_FAULTS.partitionForMs);
  const [first, second, ...rest] = run.end.waitsSeconds as number[];
  const base = DEFAULT_TIMINGS.retryBackoffMs.map((ms) => ms / 1000);
  const jitter = DEFAULT_TIMINGS.retryJitterMs / 1000;
  expect(rest).toEqual([]);
  expect(first).toBeGreaterThanOrEqual(base[0]);
  expect(first).toBeLessThanOrEqual(base[0] + jitter);
  expect(second).toBeGreaterThanOrEqual(base[1]);
  expect(second).toBeLessThanOrEqual(base[1] + jitter);
  const tests = run.end.primaryTests as string[];
  expect(tests).toHaveLength(2);
  expect(tests[0]).toMatch(/^attempt 1: (?!answered).*ECONNRESET/);
  expect(tests[1]).toMatch(/^attempt 2: answered/);
  // the partition really reset connections, and the data landed after it healed
  expect(run.end.droppedConnections).toBeGreaterThan(0);
  expect(run.summary.landedMs).toBeGreaterThan(DRILL_FAULTS.partitionForMs);
  expect(run.summary.rtoMs).toBeLessThan(DRILL_FAULTS.partitionForMs + 10 * MINUTE);
});
