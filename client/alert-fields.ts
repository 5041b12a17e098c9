/**
 * Reading single fields of a monitoring alert, the same way for Alertmanager
 * and DataDog: own properties only, every text that reaches a workflow input
 * cleaned and shortened by the alert activities' own sanitizer (terminal
 * escapes, control and direction characters out, secrets redacted) and never
 * refused for its length; the system, the failure type and the date of the
 * partition the alert is about, the date only inside the intake's window.
 * Pure.
 */
import { sanitizeText } from '../activities/alerts/alert-sanitize';
import { isFailureType, type FailureType } from '../config/failures';
import { SYSTEMS, isSystem, type SystemName } from '../config/pipelines';
import { parseIngestionDate, utcDay } from '../config/calendar';

/** Lengths of the alert's own texts inside a recovery's reason. */
export const ALERT_TEXT_LIMITS = { name: 120, fingerprint: 64, summary: 200, id: 64, title: 200, reason: 400 } as const;

/** A property of a parsed JSON object, own properties only (never toString, constructor, __proto__). */
export function own(record: unknown, key: string): unknown {
  if (!record || typeof record !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** An object-valued field, or an empty record. */
export function ownRecord(record: unknown, key: string): Record<string, unknown> {
  const value = own(record, key);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Text of any field, on one line, cleaned and cut to `max` characters; '' when absent or not plain. */
export function cleanText(value: unknown, max: number): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  return sanitizeText(String(value), max).replace(/\s+/g, ' ').trim();
}

/** Alert names as monitoring rules spell them, normalised (lower case, letters and digits only). */
const ALERTNAME_FAILURES = new Map<string, FailureType>([
  ['mysqldown', 'primary_db_down'],
  ['primarydbdown', 'primary_db_down'],
  ['primarydown', 'primary_db_down'],
  ['databasedown', 'primary_db_down'],
  ['connectiontimeout', 'connection_timeout'],
  ['mysqlconnectiontimeout', 'connection_timeout'],
  ['authfailed', 'authentication_failed'],
  ['authenticationfailed', 'authentication_failed'],
  ['datacorruption', 'data_corruption'],
  ['schemachange', 'schema_change'],
  ['networkpartition', 'network_partition'],
  ['airbytesyncfailed', 'airbyte_failure'],
  ['airbytefailure', 'airbyte_failure'],
  ['staledata', 'stale_data'],
  ['datafreshness', 'stale_data'],
]);

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Failure type from an alert name: exact match first, then a known name inside a longer title. */
export function failureTypeFromAlertName(name: string): FailureType {
  const exact = ALERTNAME_FAILURES.get(normalise(name));
  if (exact) return exact;
  if (isFailureType(name)) return name;
  for (const word of name.split(/[^A-Za-z0-9_]+/).filter(Boolean)) {
    const hit = ALERTNAME_FAILURES.get(normalise(word)) ?? (isFailureType(word) ? word : undefined);
    if (hit) return hit;
  }
  return 'unknown';
}

/** The failure type an explicit label or tag gives, else the one the alert's name implies. */
export function failureTypeOf(explicit: unknown, name: string): FailureType {
  return isFailureType(explicit) ? explicit : failureTypeFromAlertName(name);
}

/** The system an explicit label names, else the first system named inside the other texts. */
export function systemFrom(explicit: unknown, ...texts: unknown[]): SystemName | undefined {
  if (typeof explicit === 'string' && isSystem(explicit.toLowerCase())) return explicit.toLowerCase() as SystemName;
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    const named = SYSTEMS.find((system) => text.toLowerCase().includes(system));
    if (named) return named;
  }
  return undefined;
}

/** DataDog tags come as "key:value, key:value" ($TAGS) or as a list; a Map, so no tag can name a prototype property. */
export function parseDatadogTags(tags: unknown): Map<string, string> {
  const list = Array.isArray(tags) ? tags : typeof tags === 'string' ? tags.split(',') : [];
  const out = new Map<string, string>();
  for (const tag of list.slice(0, 200)) {
    if (typeof tag !== 'string') continue;
    const at = tag.indexOf(':');
    if (at > 0) out.set(tag.slice(0, at).trim(), tag.slice(at + 1).trim());
  }
  return out;
}

/** The days an alert may name: today (UTC) and `days` before it. */
export interface DateWindow {
  from: string;
  to: string;
}

export function dateWindow(now: Date, days: number): DateWindow {
  const to = utcDay(now);
  const from = utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - days * 86_400_000));
  return { from, to };
}

export type DateReading = { date: string } | { refused: string };

const inWindow = (date: string, window: DateWindow, what: string): DateReading =>
  date >= window.from && date <= window.to ? { date } : { refused: `${what} ${date} is outside the window ${window.from}..${window.to}` };

/**
 * The partition date an alert is about: an explicit date label or tag (it must
 * be a real YYYY-MM-DD day), else the day the alert started (ISO text or epoch
 * milliseconds), else today; refused outside the window.
 */
export function dateOf(explicit: unknown, instant: unknown, window: DateWindow, what: { label: string; instant: string }): DateReading {
  if (explicit !== undefined && explicit !== '') {
    try {
      return inWindow(parseIngestionDate(explicit), window, what.label);
    } catch (err) {
      return { refused: `${what.label}: ${cleanText((err as Error).message, 120)}` };
    }
  }
  if (typeof instant === 'string' || typeof instant === 'number') {
    const at = new Date(typeof instant === 'string' && /^\d+$/.test(instant) ? Number(instant) : instant);
    if (!Number.isNaN(at.getTime()) && at.getUTCFullYear() > 2000) return inWindow(utcDay(at), window, `${what.instant} day`);
  }
  return { date: window.to };
}
