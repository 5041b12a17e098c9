/**
 * Makes alert content safe to send, with no I/O: strips terminal escape
 * sequences (ANSI colours, OSC titles), control and direction-changing
 * characters, redacts anything shaped like a secret
 * (password=…, URL credentials, bearer tokens, JWTs, password hashes, long hex
 * or random-looking tokens), withholds metrics whose name speaks of a secret
 * and metrics that are not plain values (row data never travels), truncates
 * long fields, and escapes Slack's markup characters.
 */

export const ALERT_LIMITS = {
  title: 150,
  actionRequired: 1_000,
  metricKey: 64,
  metricValue: 200,
  metrics: 20,
  reference: 255,
} as const;

export const REDACTED = '[REDACTED]';

/** Metric names that speak of a secret: their values never leave the activity. Matched on snake_case words. */
const SENSITIVE_KEY =
  /password|passwd|senha|secret|token|hash|credential|api_?key|access_?key|private_?key|authorization|cookie|(^|_)(pass|pwd|auth)(_|$)/;

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Terminal escape sequences, removed whole (not just their ESC, which would
 * leave "[31m" behind): CSI (ESC [ or U+009B … final byte), OSC (ESC ] … BEL or
 * ESC \\) and the two-character escapes ESC @ … ESC _.
 */
const ANSI = /(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]?|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[@-Z\\-_]/g;

const SECRET_PATTERNS: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // HTTP credentials, before key=value so the scheme word is not taken for the value
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, (_m, scheme: string) => `${scheme} ${REDACTED}`],
  // key=value and key: value pairs naming a secret
  [/\b(password|passwd|pwd|senha|secret|token|api[-_]?key|access[-_]?key|client[-_]?secret|authorization)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`],
  // credentials inside URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, (_m, head: string) => `${head}:${REDACTED}@`],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // crypt-style password hashes: bcrypt, md5/sha crypt, argon2
  [/\$(?:2[abxy]?|1|5|6|argon2(?:id|i|d)?)\$[^\s"',;]+/g, REDACTED],
  // MySQL native password hashes
  [/\*[0-9A-F]{40}\b/gi, REDACTED],
  // provider tokens: Slack, AWS access keys, PagerDuty-style 32-char keys are caught below
  [/\bxox[abeprs]-[A-Za-z0-9-]+/g, REDACTED],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  // long hex strings: digests, keys
  [/\b[0-9a-f]{32,}\b/gi, REDACTED],
];

/** A long run mixing upper case, lower case and digits looks like a random token, not a word or a path. */
const TOKEN_CANDIDATE = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
function looksRandom(candidate: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(candidate)).length;
  return classes === 3;
}

export function stripControlCharacters(text: string, { multiline = false } = {}): string {
  const normalised = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  return (multiline ? normalised : normalised.replace(/\n+/g, ' ')).replace(ANSI, '').replace(CONTROL, '');
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
  }
  return out.replace(TOKEN_CANDIDATE, (candidate) => (looksRandom(candidate) ? REDACTED : candidate));
}

/** Cuts to at most `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escapes the three characters Slack's markup gives meaning to (links, mentions, entities). */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function isSensitiveMetricName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  return SENSITIVE_KEY.test(words);
}

/** Control characters out, secrets redacted, then cut to length (redaction first, so a cut never leaves half a secret). */
export function sanitizeText(value: unknown, max: number, options: { multiline?: boolean } = {}): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return truncate(redactSecrets(stripControlCharacters(text, options)).trim(), max);
}

export interface SanitizedMetrics {
  entries: [string, string][];
  /** How many metrics were left out: secret-sounding names, values that are not plain, or past the count limit. */
  withheld: number;
}

export function sanitizeMetrics(metrics: unknown): SanitizedMetrics {
  if (metrics === undefined || metrics === null) return { entries: [], withheld: 0 };
  if (typeof metrics !== 'object' || Array.isArray(metrics)) return { entries: [], withheld: 1 };
  const entries: [string, string][] = [];
  let withheld = 0;
  for (const [rawKey, value] of Object.entries(metrics as Record<string, unknown>)) {
    const plain = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string';
    if (!plain || isSensitiveMetricName(rawKey) || entries.length >= ALERT_LIMITS.metrics) {
      withheld += 1;
      continue;
    }
    const key = sanitizeText(rawKey, ALERT_LIMITS.metricKey);
    if (key === '' || isSensitiveMetricName(key)) {
      withheld += 1;
      continue;
    }
    entries.push([key, sanitizeText(String(value), ALERT_LIMITS.metricValue)]);
  }
  return { entries, withheld };
}
