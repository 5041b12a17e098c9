/**
 * What a drill measured, in service time, and the objectives of
 * config/objectives.ts met or missed.
 */
import { RECOVERY_OBJECTIVES } from '../config/objectives';

export interface DrillMeasures {
  faultAt: number;
  /** The first failed check or failed run that saw the fault. */
  detectedAt?: number;
  /** The first CRITICAL alert received (Slack). */
  criticalAlertAt?: number;
  /** The first PagerDuty trigger received. */
  pagedAt?: number;
  /** The day's data landed and validated (a sync that checked its partition). */
  landedAt?: number;
  /** The day complete where readers read (bronze): the end of the RTO. */
  completeAt?: number;
  /** Back on the primary after a failover. */
  switchBackAt?: number;
  /** Rows of the day's source missing from the lake. */
  rowsLost: number;
  sourceRows: number;
}

export interface ObjectiveResult {
  name: string;
  limit: string;
  /** Milliseconds (rows for the RPO); undefined when it never happened. */
  value?: number;
  met: boolean;
}

export interface DrillSummary {
  scenario: string;
  faultAt: string;
  detectMs?: number;
  criticalAlertMs?: number;
  pageMs?: number;
  landedMs?: number;
  rtoMs?: number;
  rowsLost: number;
  sourceRows: number;
  switchBackMs?: number;
  objectives: ObjectiveResult[];
  passed: boolean;
  notes: string[];
}

const since = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
const minutes = (ms: number) => `${ms / 60_000} min`;

export function judge(m: DrillMeasures): ObjectiveResult[] {
  const o = RECOVERY_OBJECTIVES;
  const within = (name: string, value: number | undefined, limit: number, strict = false): ObjectiveResult => ({
    name,
    limit: `${strict ? '<' : '≤'} ${minutes(limit)}`,
    value,
    met: value !== undefined && (strict ? value < limit : value <= limit),
  });
  return [
    within('detect', since(m.faultAt, m.detectedAt), o.detectWithinMs),
    within('critical alert', since(m.faultAt, m.criticalAlertAt), o.criticalAlertWithinMs),
    within('data landed after detection', since(m.detectedAt, m.landedAt), o.landedAfterDetectionWithinMs),
    within('RTO', since(m.faultAt, m.completeAt), o.rtoBelowMs, true),
    { name: 'RPO (rows lost)', limit: `≤ ${o.maxRowsLost} rows`, value: m.rowsLost, met: m.rowsLost <= o.maxRowsLost },
  ];
}

export function summarize(scenario: string, m: DrillMeasures, notes: string[] = []): DrillSummary {
  const objectives = judge(m);
  return {
    scenario,
    faultAt: new Date(m.faultAt).toISOString(),
    detectMs: since(m.faultAt, m.detectedAt),
    criticalAlertMs: since(m.faultAt, m.criticalAlertAt),
    pageMs: since(m.faultAt, m.pagedAt),
    landedMs: since(m.faultAt, m.landedAt),
    rtoMs: since(m.faultAt, m.completeAt),
    rowsLost: m.rowsLost,
    sourceRows: m.sourceRows,
    switchBackMs: since(m.faultAt, m.switchBackAt),
    objectives,
    passed: objectives.every((x) => x.met),
    notes,
  };
}
