/** What every game-day test checks of a drill's run: service-clock times on production timings, and the lake's end state. */
import type { PartitionState } from '../../drill/partitions';
import type { ScenarioRun } from '../../drill/scenario';
import type { DrillEvent } from '../../drill/timeline';

export const MINUTE = 60_000;

/** The events are on the service clock, in order, and span what production timings take (not the seconds of wall time the drill ran). */
export function expectServiceClockTimeline(run: ScenarioRun, atLeastMs: number): void {
  const times = run.events.map((e) => e.at);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(atLeastMs);
  expect(run.events.filter((e) => e.kind === 'fault').length).toBeGreaterThanOrEqual(1);
}

/** Gaps between consecutive events of a kind matching `match`. */
export function gaps(events: DrillEvent[], match: (e: DrillEvent) => boolean): number[] {
  const at = events.filter(match).map((e) => e.at);
  return at.slice(1).map((t, i) => t - at[i]);
}

/** Every stream of the day complete in the bucket, holding exactly the source's rows. */
export function expectDayComplete(states: PartitionState[]): void {
  expect(states).toHaveLength(3);
  for (const s of states) expect(s).toMatchObject({ complete: true, missing: 0, duplicates: 0 });
}

export function objective(run: ScenarioRun, name: string) {
  const found = run.summary.objectives.find((o) => o.name === name);
  if (!found) throw new Error(`no objective ${name}`);
  return found;
}
