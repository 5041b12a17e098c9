/**
 * Dates of ingestion partitions (YYYY-MM-DD, UTC): the one rule for a valid
 * day and the one arithmetic on days. Pure: workflows pass their own clock.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates an ingestion date (YYYY-MM-DD, a real calendar day) and returns it, or throws a clear error. */
export function parseIngestionDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) {
    throw new Error(`invalid date ${JSON.stringify(value)}: expected YYYY-MM-DD`);
  }
  const [y, m, d] = value.split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new Error(`invalid date ${JSON.stringify(value)}: no such calendar day`);
  }
  return value;
}

/** The UTC day of an instant, e.g. a workflow's current time. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day before a YYYY-MM-DD date. */
export function previousDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return utcDay(new Date(Date.UTC(y, m - 1, d - 1)));
}
