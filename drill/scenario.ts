/** What every drill scenario is and returns. */
import type { DrillContext } from './drill-stack';
import type { StackOptions } from '../test/helpers/stack-env';
import type { DrillSummary } from './measures';
import type { DrillEvent } from './timeline';

export interface ScenarioRun {
  summary: DrillSummary;
  events: DrillEvent[];
  /** End-state facts the scenario checked or the tests assert (recovery outcome, partitions, quarantine…). */
  end: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  stack?: Pick<StackOptions, 's3Faults' | 'partitionProxy'>;
  run(ctx: DrillContext): Promise<ScenarioRun>;
}

/** The first event at or after `from` that matches. */
export function firstAfter(events: DrillEvent[], from: number, match: (e: DrillEvent) => boolean): DrillEvent | undefined {
  return events.find((e) => e.at >= from && match(e));
}

export const isFailedCheck = (e: DrillEvent) => e.kind === 'check' && e.level === 'critical';
export const isCriticalAlert = (e: DrillEvent) => e.kind === 'alert' && e.level === 'CRITICAL';
/** An alert saying something failed (ERROR or CRITICAL): the first sign a run saw the fault. */
export const isFailureAlert = (e: DrillEvent) => e.kind === 'alert' && (e.level === 'ERROR' || e.level === 'CRITICAL');
export const isPage = (e: DrillEvent) => e.kind === 'page' && e.label.startsWith('PagerDuty trigger');
