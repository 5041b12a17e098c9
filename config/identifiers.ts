/**
 * The one rule for table and column names taken from input or discovered in a
 * source: plain MySQL identifiers as the seeds use them. Anything else may
 * carry SQL or break an S3 key, so it is refused everywhere with the same words.
 */

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** How the rule reads in an error message. */
export const IDENTIFIER_RULE = '1-64 letters, digits or underscores, not starting with a digit';

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER_RE.test(value);
}

/** `invalid table name "x; DROP": expected …` — the refusal text for a bad name. */
export function identifierProblem(what: string, value: unknown): string {
  return `invalid ${what} ${JSON.stringify(String(value).slice(0, 80))}: expected ${IDENTIFIER_RULE}`;
}
