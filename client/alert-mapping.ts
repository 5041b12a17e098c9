/**
 * Turns a monitoring alert into recovery requests: Alertmanager's webhook
 * (version 4: status, alerts[] with labels, annotations, startsAt,
 * fingerprint) and DataDog's webhook (id, title, body, alert_type,
 * alert_transition, tags, date). The failure type comes from a
 * `failure_type` label or tag, else from the alert's name; anything not
 * recognised is 'unknown' (recovery's manual path). Resolved alerts are
 * ignored. Pure.
 */
import { isFailureType, type FailureType } from '../config/failures';
import { type SystemName, SYSTEMS, isSystem } from '../config/pipelines';
import { parseIngestionDate, utcDay } from '../config/calendar';

export interface RecoveryRequest {
  system: SystemName;
  failureType: FailureType;
  date: string;
  reason: string;
  origin: 'alertmanager' | 'datadog';
}

export interface MappedAlerts {
  requests: RecoveryRequest[];
  /** Why each alert not acted on was skipped (resolved, ...). */
  ignored: string[];
}

export class AlertPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertPayloadError';
  }
}

/** Alert names as monitoring rules spell them, normalised (lower case, letters and digits only). */
const ALERTNAME_FAILURES: Record<string, FailureType> = {
  mysqldown: 'primary_db_down',
  primarydbdown: 'primary_db_down',
  primarydown: 'primary_db_down',
  databasedown: 'primary_db_down',
  connectiontimeout: 'connection_timeout',
  mysqlconnectiontimeout: 'connection_timeout',
  authfailed: 'authentication_failed',
  authenticationfailed: 'authentication_failed',
  datacorruption: 'data_corruption',
  schemachange: 'schema_change',
  networkpartition: 'network_partition',
  airbytesyncfailed: 'airbyte_failure',
  airbytefailure: 'airbyte_failure',
  staledata: 'stale_data',
  datafreshness: 'stale_data',
};

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Failure type from an alert name: exact match first, then a known name inside a longer title. */
export function failureTypeFromAlertName(name: string): FailureType {
  const key = normalise(name);
  if (ALERTNAME_FAILURES[key]) return ALERTNAME_FAILURES[key];
  if (isFailureType(name)) return name;
  const words = name.split(/[^A-Za-z0-9_]+/).filter(Boolean);
  for (const word of words) {
    const hit = ALERTNAME_FAILURES[normalise(word)] ?? (isFailureType(word) ? word : undefined);
    if (hit) return hit;
  }
  return 'unknown';
}

function systemFrom(explicit: unknown, ...texts: unknown[]): SystemName | undefined {
  if (typeof explicit === 'string' && isSystem(explicit.toLowerCase())) return explicit.toLowerCase() as SystemName;
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    const named = SYSTEMS.find((system) => text.toLowerCase().includes(system));
    if (named) return named;
  }
  return undefined;
}

function dateFrom(explicit: unknown, instant: unknown, now: Date): string {
  if (explicit !== undefined) {
    try {
      return parseIngestionDate(explicit);
    } catch {
      // fall through to the alert's own time
    }
  }
  if (typeof instant === 'string' || typeof instant === 'number') {
    const at = new Date(typeof instant === 'string' && /^\d+$/.test(instant) ? Number(instant) : instant);
    if (!Number.isNaN(at.getTime()) && at.getUTCFullYear() > 2000) return utcDay(at);
  }
  return utcDay(now);
}

const oneLine = (text: unknown, max = 300) => (typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, max) : '');

function mapAlertmanager(payload: Record<string, unknown>, now: Date): MappedAlerts {
  const alerts = payload.alerts;
  if (!Array.isArray(alerts)) throw new AlertPayloadError('alertmanager payload: alerts must be a list');
  const result: MappedAlerts = { requests: [], ignored: [] };
  alerts.forEach((alert, i) => {
    if (!alert || typeof alert !== 'object') throw new AlertPayloadError(`alertmanager payload: alerts[${i}] is not an object`);
    const a = alert as Record<string, unknown>;
    const labels = (a.labels && typeof a.labels === 'object' ? a.labels : {}) as Record<string, unknown>;
    const annotations = (a.annotations && typeof a.annotations === 'object' ? a.annotations : {}) as Record<string, unknown>;
    const name = typeof labels.alertname === 'string' ? labels.alertname : '';
    const status = a.status ?? payload.status;
    if (status === 'resolved') {
      result.ignored.push(`alerts[${i}] ${name || 'unnamed'}: resolved`);
      return;
    }
    const system = systemFrom(labels.system, labels.job, labels.instance, name, labels.service);
    if (!system) throw new AlertPayloadError(`alertmanager payload: alerts[${i}] (${name || 'unnamed'}) names no system: set label system=acode|radar`);
    const failureType = isFailureType(labels.failure_type) ? labels.failure_type : failureTypeFromAlertName(name);
    const summary = oneLine(annotations.summary) || oneLine(annotations.description);
    result.requests.push({
      system,
      failureType,
      date: dateFrom(labels.date, a.startsAt, now),
      reason: `alertmanager ${name || 'alert'}${typeof a.fingerprint === 'string' ? ` (${a.fingerprint})` : ''}${summary ? `: ${summary}` : ''}`,
      origin: 'alertmanager',
    });
  });
  return result;
}

/** DataDog tags come as "key:value, key:value" ($TAGS) or as a list. */
export function parseDatadogTags(tags: unknown): Record<string, string> {
  const list = Array.isArray(tags) ? tags : typeof tags === 'string' ? tags.split(',') : [];
  const out: Record<string, string> = {};
  for (const tag of list) {
    if (typeof tag !== 'string') continue;
    const at = tag.indexOf(':');
    if (at > 0) out[tag.slice(0, at).trim()] = tag.slice(at + 1).trim();
  }
  return out;
}

const DATADOG_RESOLVED = new Set(['recovered', 'success']);

function mapDatadog(payload: Record<string, unknown>, now: Date): MappedAlerts {
  const title = oneLine(payload.title ?? payload.alert_title, 200);
  const transition = String(payload.alert_transition ?? '').toLowerCase();
  const type = String(payload.alert_type ?? '').toLowerCase();
  if (DATADOG_RESOLVED.has(transition) || DATADOG_RESOLVED.has(type)) {
    return { requests: [], ignored: [`datadog ${payload.id ?? ''} ${title}: resolved`.replace(/\s+/g, ' ')] };
  }
  const tags = parseDatadogTags(payload.tags);
  const system = systemFrom(tags.system, title, payload.body, tags.service);
  if (!system) throw new AlertPayloadError(`datadog payload ${String(payload.id ?? '')}: names no system: add tag system:acode or system:radar`);
  const failureType = isFailureType(tags.failure_type)
    ? tags.failure_type
    : failureTypeFromAlertName(tags.alertname ?? title.replace(/^\[[^\]]*\]\s*/, ''));
  return {
    requests: [
      {
        system,
        failureType,
        date: dateFrom(tags.date, payload.date ?? payload.last_updated, now),
        reason: `datadog ${String(payload.id ?? '')} ${title}`.replace(/\s+/g, ' ').trim(),
        origin: 'datadog',
      },
    ],
    ignored: [],
  };
}

/** Recognises the payload's shape and maps it; an unrecognised payload is a one-line AlertPayloadError. */
export function mapAlertPayload(payload: unknown, now: Date): MappedAlerts {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new AlertPayloadError('alert payload: expected one JSON object');
  const p = payload as Record<string, unknown>;
  if (Array.isArray(p.alerts)) return mapAlertmanager(p, now);
  if ('title' in p || 'alert_title' in p || 'alert_type' in p || 'alert_transition' in p) return mapDatadog(p, now);
  throw new AlertPayloadError('alert payload: neither Alertmanager (alerts[]) nor DataDog (title, alert_type) shape');
}
