import { status } from '@grpc/grpc-js';
import Long from 'long';
import { ServiceError } from '../../local/temporal/errors';
import { nextFireTime, nextFireTimes, prepareScheduleSpec } from '../../local/temporal/schedule-spec';
import { msToProto } from '../../local/temporal/schedule-timestamps';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const times = (spec: Parameters<typeof prepareScheduleSpec>[0], after: string, count: number) =>
  nextFireTimes(prepareScheduleSpec(spec).compiled, at(after), count).map(iso);

function invalid(spec: Parameters<typeof prepareScheduleSpec>[0]): ServiceError {
  try {
    prepareScheduleSpec(spec);
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('spec was accepted');
}

// What the TypeScript client sends for calendars: { hour: 2 } becomes hour 2, minute 0, second 0, every day.
const daily0200 = {
  second: [{ start: 0, end: 0, step: 0 }],
  minute: [{ start: 0, end: 0, step: 0 }],
  hour: [{ start: 2, end: 2, step: 1 }],
  dayOfMonth: [{ start: 1, end: 31, step: 1 }],
  month: [{ start: 1, end: 12, step: 1 }],
  year: [],
  dayOfWeek: [{ start: 0, end: 6, step: 1 }],
};

describe('structured calendar', () => {
  test('daily 02:00 UTC fires at 02:00 each day, strictly after the given instant', () => {
    expect(times({ structuredCalendar: [daily0200] }, '2026-11-26T13:00:00Z', 3)).toEqual([
      '2026-11-27T02:00:00.000Z',
      '2026-11-28T02:00:00.000Z',
      '2026-11-29T02:00:00.000Z',
    ]);
    expect(times({ structuredCalendar: [daily0200] }, '2026-11-27T02:00:00Z', 1)).toEqual(['2026-11-28T02:00:00.000Z']);
    expect(times({ structuredCalendar: [daily0200] }, '2026-11-27T01:59:59.999Z', 1)).toEqual([
      '2026-11-27T02:00:00.000Z',
    ]);
  });

  test('crosses month and leap-year boundaries', () => {
    const lastOfFeb = { ...daily0200, dayOfMonth: [{ start: 29, end: 29 }], month: [{ start: 2, end: 2 }] };
    expect(times({ structuredCalendar: [lastOfFeb] }, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T02:00:00.000Z',
      '2032-02-29T02:00:00.000Z',
    ]);
  });

  test('day-of-week range Monday to Friday skips the weekend', () => {
    const weekdays = { ...daily0200, dayOfWeek: [{ start: 1, end: 5, step: 1 }] };
    // 2026-11-27 is a Friday.
    expect(times({ structuredCalendar: [weekdays] }, '2026-11-27T03:00:00Z', 2)).toEqual([
      '2026-11-30T02:00:00.000Z',
      '2026-12-01T02:00:00.000Z',
    ]);
  });

  test('day of month and day of week must both match', () => {
    const friday13 = { ...daily0200, dayOfMonth: [{ start: 13 }], dayOfWeek: [{ start: 5 }] };
    expect(times({ structuredCalendar: [friday13] }, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-02-13T02:00:00.000Z',
      '2026-03-13T02:00:00.000Z',
    ]);
  });

  test('a field without ranges matches nothing; years bound the calendar', () => {
    expect(times({ structuredCalendar: [{ ...daily0200, hour: [] }] }, '2026-01-01T00:00:00Z', 1)).toEqual([]);
    const only2027 = { ...daily0200, year: [{ start: 2027 }], month: [{ start: 12 }], dayOfMonth: [{ start: 30, end: 31 }] };
    expect(times({ structuredCalendar: [only2027] }, '2026-01-01T00:00:00Z', 5)).toEqual([
      '2027-12-30T02:00:00.000Z',
      '2027-12-31T02:00:00.000Z',
    ]);
  });

  test('out-of-range values are rejected naming the field', () => {
    const err = invalid({ structuredCalendar: [{ ...daily0200, hour: [{ start: 2, end: 24 }] }] });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.message).toBe('Invalid schedule spec: spec.structured_calendar[0].hour range 2-24 is outside 0-23');
  });
});

describe('interval', () => {
  test('every 5 minutes with a 90 s phase', () => {
    const spec = { interval: [{ interval: msToProto(300_000), phase: msToProto(90_000) }] };
    expect(times(spec, '2026-11-27T02:00:00Z', 3)).toEqual([
      '2026-11-27T02:01:30.000Z',
      '2026-11-27T02:06:30.000Z',
      '2026-11-27T02:11:30.000Z',
    ]);
    expect(times(spec, '2026-11-27T02:01:30Z', 1)).toEqual(['2026-11-27T02:06:30.000Z']);
  });

  test('sub-second parts are truncated and an interval under 1 s is rejected', () => {
    const spec = { interval: [{ interval: { seconds: Long.fromNumber(60), nanos: 500_000_000 } }] };
    expect(times(spec, '2026-11-27T02:00:30Z', 1)).toEqual(['2026-11-27T02:01:00.000Z']);
    expect(invalid({ interval: [{ interval: { seconds: Long.ZERO, nanos: 10 } }] }).message).toBe(
      'Invalid schedule spec: spec.interval[0].interval must be at least 1s',
    );
  });

  test('union with a calendar takes the earliest of both', () => {
    const spec = { structuredCalendar: [daily0200], interval: [{ interval: msToProto(6 * 3_600_000) }] };
    expect(times(spec, '2026-11-27T00:00:00Z', 3)).toEqual([
      '2026-11-27T02:00:00.000Z',
      '2026-11-27T06:00:00.000Z',
      '2026-11-27T12:00:00.000Z',
    ]);
  });
});

describe('cron strings and string calendars', () => {
  test("cron '0 2 * * *' compiles to the same structured calendar as daily 02:00", () => {
    const { spec, compiled } = prepareScheduleSpec({ cronString: ['0 2 * * *'] });
    expect(spec.cronString).toBeUndefined();
    expect(spec.structuredCalendar).toHaveLength(1);
    expect(spec.structuredCalendar![0].hour).toEqual([{ start: 2, end: 2, step: 1 }]);
    expect(spec.structuredCalendar![0].year).toEqual([]);
    expect(nextFireTimes(compiled, at('2026-11-27T02:00:00Z'), 2).map(iso)).toEqual([
      '2026-11-28T02:00:00.000Z',
      '2026-11-29T02:00:00.000Z',
    ]);
  });

  test('steps, names, 7-field form with year, comments and shorthands', () => {
    expect(times({ cronString: ['*/15 2-3 * * MON-FRI'] }, '2026-11-27T03:50:00Z', 2)).toEqual([
      '2026-11-30T02:00:00.000Z',
      '2026-11-30T02:15:00.000Z',
    ]);
    const { spec } = prepareScheduleSpec({ cronString: ['*/15 2-3 * * MON-FRI'] });
    expect(spec.structuredCalendar![0].minute).toEqual([{ start: 0, end: 45, step: 15 }]);
    expect(times({ cronString: ['30 0 4 1 jan * 2027 # new year'] }, '2026-01-01T00:00:00Z', 5)).toEqual([
      '2027-01-01T04:00:30.000Z',
    ]);
    expect(prepareScheduleSpec({ cronString: ['0 4 * * 7 # sundays'] }).spec.structuredCalendar![0]).toMatchObject({
      comment: 'sundays',
      dayOfWeek: [{ start: 0, end: 0, step: 1 }],
    });
    expect(times({ cronString: ['@daily'] }, '2026-11-27T12:00:00Z', 1)).toEqual(['2026-11-28T00:00:00.000Z']);
  });

  test('@every becomes an interval and CRON_TZ=UTC is accepted', () => {
    const { spec } = prepareScheduleSpec({ cronString: ['CRON_TZ=UTC @every 10m/1m'] });
    expect(spec.timezoneName).toBe('UTC');
    expect(spec.structuredCalendar).toEqual([]);
    expect(times({ cronString: ['@every 10m/1m'] }, '2026-11-27T02:00:00Z', 2)).toEqual([
      '2026-11-27T02:01:00.000Z',
      '2026-11-27T02:11:00.000Z',
    ]);
  });

  test('string calendar fields default to 00:00:00 every day', () => {
    expect(times({ calendar: [{ hour: '2', dayOfWeek: 'sat,sun' }] }, '2026-11-27T00:00:00Z', 2)).toEqual([
      '2026-11-28T02:00:00.000Z',
      '2026-11-29T02:00:00.000Z',
    ]);
  });

  test('bad cron strings get one-line errors naming the string and field', () => {
    expect(invalid({ cronString: ['0 2 * *'] }).message).toBe(
      "Invalid schedule spec: spec.cron_string[0] '0 2 * *': expected 5, 6 or 7 fields, got 4",
    );
    expect(invalid({ cronString: ['0 25 * * *'] }).message).toMatch(/^Invalid schedule spec: spec\.cron_string\[0\]\.hour '25': /);
    expect(invalid({ cronString: ['0 0 L * *'] }).message).toContain('spec.cron_string[0].dayOfMonth');
    expect(invalid({ calendar: [{ month: 'smarch' }] }).message).toContain('spec.calendar[0].month');
  });
});

describe('bounds, exclusions and time zones', () => {
  test('start_time is inclusive and end_time stops the schedule', () => {
    const spec = {
      structuredCalendar: [daily0200],
      startTime: msToProto(at('2026-11-28T02:00:00Z')),
      endTime: msToProto(at('2026-11-29T02:00:00Z')),
    };
    expect(times(spec, '2026-11-01T00:00:00Z', 10)).toEqual(['2026-11-28T02:00:00.000Z', '2026-11-29T02:00:00.000Z']);
    expect(nextFireTime(prepareScheduleSpec(spec).compiled, at('2026-11-29T02:00:00Z'))).toBeUndefined();
  });

  test('excluded calendars remove matching times', () => {
    const spec = {
      structuredCalendar: [daily0200],
      excludeStructuredCalendar: [{ ...daily0200, dayOfWeek: [{ start: 0 }, { start: 6 }] }],
    };
    expect(times(spec, '2026-11-27T03:00:00Z', 1)).toEqual(['2026-11-30T02:00:00.000Z']);
  });

  test('only UTC is accepted as a time zone', () => {
    expect(prepareScheduleSpec({ timezoneName: 'Etc/UTC' }).spec.timezoneName).toBe('Etc/UTC');
    const err = invalid({ timezoneName: 'America/Sao_Paulo' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.message).toBe(
      "Invalid schedule spec: spec.timezone_name 'America/Sao_Paulo': only UTC is supported by the local Temporal service",
    );
    expect(invalid({ cronString: ['TZ=Europe/Lisbon 0 2 * * *'] }).message).toContain('spec.cron_string[0] time zone');
  });
});
