import { temporal } from '@temporalio/proto';
import {
  CompiledCalendar,
  calendarMatches,
  compileCalendar,
  invalidSpec,
  nextCalendarTime,
} from './schedule-calendar';
import { compileCalendarSpec, compileCronString } from './schedule-cron';
import { msToProto, protoToMs } from './schedule-timestamps';

type ScheduleSpec = temporal.api.schedule.v1.IScheduleSpec;
type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
type IntervalSpec = temporal.api.schedule.v1.IIntervalSpec;

/** A spec ready for computing fire times. All instants are ms since the epoch. */
export interface CompiledSpec {
  calendars: CompiledCalendar[];
  intervals: Array<{ everyMs: number; phaseMs: number }>;
  excludes: CompiledCalendar[];
  startMs?: number;
  endMs?: number;
}

/** The spec as the service keeps and describes it, plus its compiled form. */
export interface PreparedSpec {
  spec: ScheduleSpec;
  compiled: CompiledSpec;
}

const UTC_NAMES = new Set(['', 'UTC', 'Etc/UTC']);
/** Exclusions may reject this many candidates in a row before the spec counts as never firing again. */
const MAX_EXCLUDED_IN_A_ROW = 100_000;

function checkTimezone(name: string, where: string): void {
  if (!UTC_NAMES.has(name)) {
    throw invalidSpec(`${where} '${name}': only UTC is supported by the local Temporal service`);
  }
}

const truncateToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Validates a ScheduleSpec and compiles it the way Temporal does: cron strings and string calendars
 * become structured calendars (or intervals for `@every`), intervals are truncated to whole seconds.
 * Jitter is kept in the description but not applied: fire times are the nominal times.
 */
export function prepareScheduleSpec(input: ScheduleSpec | null | undefined, where = 'spec'): PreparedSpec {
  const src = input ?? {};
  if (src.timezoneData && src.timezoneData.length > 0) {
    throw invalidSpec(`${where}.timezone_data: time zone data is not supported, use UTC`);
  }
  let timezone = src.timezoneName ?? '';
  checkTimezone(timezone, `${where}.timezone_name`);

  const structured: StructuredCalendar[] = [...(src.structuredCalendar ?? [])];
  const intervals: IntervalSpec[] = [...(src.interval ?? [])];
  (src.calendar ?? []).forEach((c, i) => structured.push(compileCalendarSpec(c, `${where}.calendar[${i}]`)));
  (src.cronString ?? []).forEach((text, i) => {
    const at = `${where}.cron_string[${i}]`;
    const cron = compileCronString(text, at);
    if (cron.timezone !== undefined) {
      if (timezone !== '') throw invalidSpec(`${at}: a time zone prefix cannot be combined with timezone_name`);
      checkTimezone(cron.timezone, `${at} time zone`);
      timezone = cron.timezone;
    }
    if (cron.calendar) structured.push(cron.calendar);
    if (cron.interval) intervals.push({ interval: msToProto(cron.interval.everyMs), phase: msToProto(cron.interval.phaseMs) });
  });
  const excluded: StructuredCalendar[] = [...(src.excludeStructuredCalendar ?? [])];
  (src.excludeCalendar ?? []).forEach((c, i) => excluded.push(compileCalendarSpec(c, `${where}.exclude_calendar[${i}]`)));

  const compiledIntervals = intervals.map((iv, i) => {
    const everyMs = truncateToSecond(protoToMs(iv.interval) ?? 0);
    const phaseMs = truncateToSecond(protoToMs(iv.phase) ?? 0);
    if (everyMs < 1000) throw invalidSpec(`${where}.interval[${i}].interval must be at least 1s`);
    if (phaseMs < 0) throw invalidSpec(`${where}.interval[${i}].phase must not be negative`);
    return { everyMs, phaseMs };
  });
  const startMs = protoToMs(src.startTime);
  const endMs = protoToMs(src.endTime);
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) {
    throw invalidSpec(`${where}.end_time is before ${where}.start_time`);
  }
  const compiled: CompiledSpec = {
    calendars: structured.map((c, i) => compileCalendar(c, `${where}.structured_calendar[${i}]`)),
    intervals: compiledIntervals,
    excludes: excluded.map((c, i) => compileCalendar(c, `${where}.exclude_structured_calendar[${i}]`)),
    startMs,
    endMs,
  };
  const spec: ScheduleSpec = {
    structuredCalendar: structured,
    interval: compiledIntervals.map((iv) => ({ interval: msToProto(iv.everyMs), phase: msToProto(iv.phaseMs) })),
    excludeStructuredCalendar: excluded,
    startTime: src.startTime ?? null,
    endTime: src.endTime ?? null,
    jitter: src.jitter ?? null,
    timezoneName: timezone,
  };
  return { spec, compiled };
}

/** epoch + n * every + phase, the first such instant strictly after `afterMs`. */
export function nextIntervalTime(everyMs: number, phaseMs: number, afterMs: number): number {
  return (Math.floor((afterMs - phaseMs) / everyMs) + 1) * everyMs + phaseMs;
}

/** The first fire time strictly after `afterMs`, or undefined when the spec never fires again. */
export function nextFireTime(spec: CompiledSpec, afterMs: number): number | undefined {
  // start_time is inclusive: search from just before it.
  let after = spec.startMs !== undefined ? Math.max(afterMs, spec.startMs - 1) : afterMs;
  for (let rejected = 0; rejected < MAX_EXCLUDED_IN_A_ROW; rejected++) {
    let best: number | undefined;
    for (const cal of spec.calendars) {
      const t = nextCalendarTime(cal, after);
      if (t !== undefined && (best === undefined || t < best)) best = t;
    }
    for (const iv of spec.intervals) {
      const t = nextIntervalTime(iv.everyMs, iv.phaseMs, after);
      if (best === undefined || t < best) best = t;
    }
    if (best === undefined) return undefined;
    if (spec.endMs !== undefined && best > spec.endMs) return undefined;
    const candidate = best;
    if (!spec.excludes.some((cal) => calendarMatches(cal, candidate))) return candidate;
    after = candidate;
  }
  return undefined;
}

/** Up to `count` fire times strictly after `afterMs` (and at or before `untilMs` when given). */
export function nextFireTimes(spec: CompiledSpec, afterMs: number, count: number, untilMs?: number): number[] {
  const times: number[] = [];
  let after = afterMs;
  while (times.length < count) {
    const t = nextFireTime(spec, after);
    if (t === undefined || (untilMs !== undefined && t > untilMs)) break;
    times.push(t);
    after = t;
  }
  return times;
}
