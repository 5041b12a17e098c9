import { CronExpressionParser } from 'cron-parser';
import { temporal } from '@temporalio/proto';
import { invalidSpec } from './schedule-calendar';

type StructuredCalendar = temporal.api.schedule.v1.IStructuredCalendarSpec;
type CalendarSpec = temporal.api.schedule.v1.ICalendarSpec;
type Range = { start: number; end: number; step: number };

/** What one cron string compiles to: a calendar or an interval, maybe with a time zone. */
export interface CompiledCron {
  calendar?: StructuredCalendar;
  interval?: { everyMs: number; phaseMs: number };
  timezone?: string;
}

const CRON_FIELDS = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;
type CronField = (typeof CRON_FIELDS)[number];
const DEFAULTS: Record<CronField, string> = {
  second: '0',
  minute: '0',
  hour: '0',
  dayOfMonth: '*',
  month: '*',
  dayOfWeek: '*',
};

const SHORTHANDS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Sorted distinct values folded into arithmetic runs, e.g. 0,5,...,55 → {0,55,5}. */
function toRanges(values: number[]): Range[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const ranges: Range[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i];
    if (i + 1 === sorted.length) {
      ranges.push({ start, end: start, step: 1 });
      break;
    }
    const step = sorted[i + 1] - start;
    let j = i + 1;
    while (j + 1 < sorted.length && sorted[j + 1] - sorted[j] === step) j++;
    ranges.push({ start, end: sorted[j], step: j === i ? 1 : step });
    i = j + 1;
  }
  return ranges;
}

/** Values of one cron field, parsed by cron-parser with every other field left at its default. */
function cronFieldValues(field: CronField, text: string, where: string): number[] {
  if (/(^|[^a-z])[lwh]([^a-z]|$)/i.test(text)) {
    throw invalidSpec(`${where}.${field} '${text}': L, W and H are not supported`);
  }
  const expression = CRON_FIELDS.map((f) => (f === field ? text : DEFAULTS[f])).join(' ');
  let values: ReadonlyArray<number | string>;
  try {
    values = CronExpressionParser.parse(expression, { strict: false }).fields[field].values;
  } catch (err) {
    throw invalidSpec(`${where}.${field} '${text}': ${(err as Error).message}`);
  }
  if (values.some((v) => typeof v !== 'number')) {
    throw invalidSpec(`${where}.${field} '${text}': only numbers, names, ranges and steps are supported`);
  }
  const numbers = values as number[];
  return field === 'dayOfWeek' ? numbers.map((v) => (v === 7 ? 0 : v)) : numbers;
}

/** Years: '*' (any), or a comma list of x, x-z, x/y, x-z/y. */
function parseYears(text: string, where: string): Range[] {
  if (text === '*' || text === '') return [];
  return text.split(',').map((item) => {
    const m = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item.trim());
    if (!m) throw invalidSpec(`${where}.year '${text}': expected *, x, x-z or x/y`);
    const start = Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? 9999 : start;
    if (end < start) throw invalidSpec(`${where}.year '${text}': range ends before it starts`);
    return { start, end, step: m[3] !== undefined ? Math.max(1, Number(m[3])) : 1 };
  });
}

function structuredFromFields(
  fields: Record<CronField, string>,
  year: string,
  where: string,
  comment?: string,
): StructuredCalendar {
  const calendar: StructuredCalendar = { year: parseYears(year, where) };
  for (const field of CRON_FIELDS) {
    calendar[field] = toRanges(cronFieldValues(field, fields[field], where));
  }
  if (comment) calendar.comment = comment;
  return calendar;
}

/** The string form of a calendar (CalendarSpec) compiled into its structured form. */
export function compileCalendarSpec(spec: CalendarSpec, where: string): StructuredCalendar {
  const pick = (f: CronField) => (spec[f] && spec[f]!.trim() !== '' ? spec[f]!.trim() : DEFAULTS[f]);
  const fields = Object.fromEntries(CRON_FIELDS.map((f) => [f, pick(f)])) as Record<CronField, string>;
  return structuredFromFields(fields, spec.year?.trim() || '*', where, spec.comment ?? undefined);
}

function parseDuration(text: string, where: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw invalidSpec(`${where} '${text}': expected a whole number with unit s, m, h or d`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/**
 * A cron string as Temporal reads it: 5 fields (minute..day_of_week), 6 (plus year) or 7
 * (second first, year last); @yearly/@monthly/@weekly/@daily/@hourly; `@every <interval>[/<phase>]`;
 * an optional CRON_TZ= or TZ= prefix and an optional trailing `# comment`.
 */
export function compileCronString(text: string, where: string): CompiledCron {
  const hash = text.indexOf('#');
  const comment = hash >= 0 ? text.slice(hash + 1).trim() : undefined;
  let body = (hash >= 0 ? text.slice(0, hash) : text).trim();
  let timezone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(body);
  if (tz) {
    timezone = tz[1];
    body = body.slice(tz[0].length).trim();
  }
  if (body.startsWith('@every')) {
    const m = /^@every\s+(\S+?)(?:\/(\S+))?$/.exec(body);
    if (!m) throw invalidSpec(`${where} '${text}': expected @every <interval>[/<phase>]`);
    const everyMs = parseDuration(m[1], where);
    if (everyMs <= 0) throw invalidSpec(`${where} '${text}': interval must be positive`);
    return { interval: { everyMs, phaseMs: m[2] ? parseDuration(m[2], where) : 0 }, timezone };
  }
  if (body.startsWith('@')) {
    const expanded = SHORTHANDS[body.toLowerCase()];
    if (!expanded) throw invalidSpec(`${where} '${text}': unknown shorthand ${body}`);
    body = expanded;
  }
  const parts = body.split(/\s+/).filter((p) => p !== '');
  let second = '0';
  let year = '*';
  let rest: string[];
  if (parts.length === 5) rest = parts;
  else if (parts.length === 6) [rest, year] = [parts.slice(0, 5), parts[5]];
  else if (parts.length === 7) [second, rest, year] = [parts[0], parts.slice(1, 6), parts[6]];
  else throw invalidSpec(`${where} '${text}': expected 5, 6 or 7 fields, got ${parts.length}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = rest;
  const fields = { second, minute, hour, dayOfMonth, month, dayOfWeek };
  return { calendar: structuredFromFields(fields, year, where, comment), timezone };
}
