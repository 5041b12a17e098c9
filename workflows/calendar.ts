/** Dates of ingestion partitions (YYYY-MM-DD, UTC). Pure: workflows pass their own clock. */

/** The UTC day of an instant, e.g. a workflow's current time. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day before a YYYY-MM-DD date. */
export function previousDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return utcDay(new Date(Date.UTC(y, m - 1, d - 1)));
}
