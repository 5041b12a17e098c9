import { temporal } from '@temporalio/proto';
import { invalidArgument } from './errors';

type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
type Range = temporal.api.schedule.v1.IRange;

/** A structured calendar with every field expanded to a lookup table, ready for matching (UTC). */
export interface CompiledCalendar {
  second: boolean[];
  minute: boolean[];
  hour: boolean[];
  dayOfMonth: boolean[];
  month: boolean[];
  dayOfWeek: boolean[];
  /** Empty means every year matches. */
  years: Array<{ start: number; end: number; step: number }>;
}

/** How far past the search start a calendar is searched before it is considered to never match again. */
const SEARCH_YEARS = 100;

const FIELD_BOUNDS = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 7],
} as const;

type BoundedField = keyof typeof FIELD_BOUNDS;

export const invalidSpec = (message: string) => invalidArgument(`Invalid schedule spec: ${message}`);

/** A range as Temporal defines it: end below start means a single value, a step of zero means 1. */
export function normaliseRange(range: Range): { start: number; end: number; step: number } {
  const start = range.start ?? 0;
  const end = Math.max(range.end ?? 0, start);
  const step = range.step && range.step > 0 ? range.step : 1;
  return { start, end, step };
}

function expandField(field: BoundedField, ranges: Range[] | null | undefined, where: string): boolean[] {
  const [min, max] = FIELD_BOUNDS[field];
  const table = new Array<boolean>(max + 1).fill(false);
  for (const raw of ranges ?? []) {
    const { start, end, step } = normaliseRange(raw);
    if (start < min || end > max) {
      throw invalidSpec(`${where}.${field} range ${start}-${end} is outside ${min}-${max}`);
    }
    for (let v = start; v <= end; v += step) table[v] = true;
  }
  if (field === 'dayOfWeek' && table[7]) table[0] = true; // 7 is Sunday too
  return table;
}

/** Validates a structured calendar and expands it for matching; `where` names the field in errors. */
export function compileCalendar(spec: StructuredCalendar, where: string): CompiledCalendar {
  const years = (spec.year ?? []).map(normaliseRange);
  for (const y of years) {
    if (y.start < 1 || y.end > 9999) throw invalidSpec(`${where}.year range ${y.start}-${y.end} is outside 1-9999`);
  }
  return {
    second: expandField('second', spec.second, where),
    minute: expandField('minute', spec.minute, where),
    hour: expandField('hour', spec.hour, where),
    dayOfMonth: expandField('dayOfMonth', spec.dayOfMonth, where),
    month: expandField('month', spec.month, where),
    dayOfWeek: expandField('dayOfWeek', spec.dayOfWeek, where),
    years,
  };
}

function yearMatches(cal: CompiledCalendar, year: number): boolean {
  if (cal.years.length === 0) return true;
  return cal.years.some((r) => year >= r.start && year <= r.end && (year - r.start) % r.step === 0);
}

/** True when the UTC clock time of `ms` (to the second) matches every field of the calendar. */
export function calendarMatches(cal: CompiledCalendar, ms: number): boolean {
  const d = new Date(ms);
  return (
    yearMatches(cal, d.getUTCFullYear()) &&
    cal.month[d.getUTCMonth() + 1] === true &&
    cal.dayOfMonth[d.getUTCDate()] === true &&
    cal.dayOfWeek[d.getUTCDay()] === true &&
    cal.hour[d.getUTCHours()] === true &&
    cal.minute[d.getUTCMinutes()] === true &&
    cal.second[d.getUTCSeconds()] === true
  );
}

/**
 * The first whole second strictly after `afterMs` that matches the calendar, or undefined when
 * nothing matches within the search horizon. Day of month and day of week must both match
 * (Temporal does not apply cron's "either day field" rule).
 */
export function nextCalendarTime(cal: CompiledCalendar, afterMs: number): number | undefined {
  const tables = [cal.second, cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek];
  if (tables.some((table) => !table.includes(true))) return undefined;
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const lastYear = cal.years.length
    ? Math.max(...cal.years.map((r) => r.end))
    : new Date(t).getUTCFullYear() + SEARCH_YEARS;
  for (;;) {
    const d = new Date(t);
    const [Y, M, D, h, m, s] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ];
    if (Y > lastYear) return undefined;
    if (!yearMatches(cal, Y)) t = Date.UTC(Y + 1, 0, 1);
    else if (!cal.month[M + 1]) t = Date.UTC(Y, M + 1, 1);
    else if (!cal.dayOfMonth[D] || !cal.dayOfWeek[d.getUTCDay()]) t = Date.UTC(Y, M, D + 1);
    else if (!cal.hour[h]) t = Date.UTC(Y, M, D, h + 1);
    else if (!cal.minute[m]) t = Date.UTC(Y, M, D, h, m + 1);
    else if (!cal.second[s]) t += 1000;
    else return t;
  }
}
