/**
 * Turns a monitoring alert into recovery requests, one verdict per alert:
 * Alertmanager's webhook (version 4: status, alerts[] with labels,
 * annotations, startsAt, fingerprint) and DataDog's webhook (id, title, body,
 * alert_type, alert_transition, tags, date). The failure type comes from a
 * `failure_type` label or tag, else from the alert's name; anything not
 * recognised is 'unknown' (recovery's manual path). Resolved alerts are
 * ignored; an alert naming no system or a date outside the window is refused
 * (its reason says why); the caller starts nothing unless every alert passed.
 *
 * Destructive strategies: a failure whose strategy is full_backup_restore
 * (data_corruption: quarantine, then a full backup sync) starts it only for
 * the systems `allowRestore` lists (ALERT_ALLOW_RESTORE). Otherwise the
 * recovery is started as RESTORE_STAND_IN ('unknown', which
 * workflows/policy.ts sends to manual_intervention_required) with the alert in
 * its reason, so an operator decides (and may answer `restore`). Pure.
 */
import type { FailureType } from '../config/failures';
import type { SystemName } from '../config/pipelines';
import { strategyFor } from '../workflows/policy';
import {
  ALERT_TEXT_LIMITS as LIMITS,
  cleanText,
  dateOf,
  dateWindow,
  failureTypeOf,
  own,
  ownRecord,
  parseDatadogTags,
  systemFrom,
  type DateReading,
  type DateWindow,
} from './alert-fields';

export { failureTypeFromAlertName, parseDatadogTags } from './alert-fields';

export type AlertOrigin = 'alertmanager' | 'datadog';

export interface RecoveryRequest {
  system: SystemName;
  failureType: FailureType;
  date: string;
  reason: string;
  origin: AlertOrigin;
}

export type AlertVerdict =
  | { index: number; kind: 'request'; request: RecoveryRequest }
  | { index: number; kind: 'ignored'; why: string }
  | { index: number; kind: 'refused'; why: string };

export interface MappingRules {
  now: Date;
  /** Alerts may name today and this many days before (UTC). */
  windowDays: number;
  /** Alerts in one payload; more is an AlertPayloadError (413). */
  maxAlerts: number;
  /** Systems whose alerts may start a full backup restore. */
  allowRestore: readonly SystemName[];
}

export const DEFAULT_MAPPING_RULES: Omit<MappingRules, 'now'> = { windowDays: 7, maxAlerts: 100, allowRestore: [] };

/** What an alert asking for a restore that is not allowed starts instead: a failure type that needs a person. */
export const RESTORE_STAND_IN: FailureType = 'unknown';

/** The whole payload cannot be read (400) or carries too many alerts (413). */
export class AlertPayloadError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'AlertPayloadError';
  }
}

interface Draft {
  system: SystemName;
  failureType: FailureType;
  date: DateReading;
  reason: string;
  origin: AlertOrigin;
}

/** Applies the window and the restore rule; the reason stays within ALERT_TEXT_LIMITS.reason. */
function verdictOf(index: number, draft: Draft, rules: MappingRules): AlertVerdict {
  if ('refused' in draft.date) return { index, kind: 'refused', why: draft.date.refused };
  let { failureType, reason } = draft;
  if (strategyFor(failureType, draft.system) === 'full_backup_restore' && !rules.allowRestore.includes(draft.system)) {
    const note = ` [asked for ${failureType}: a full backup restore from an alert is not allowed for ${draft.system} (ALERT_ALLOW_RESTORE); an operator decides]`;
    reason = `${reason.slice(0, LIMITS.reason - note.length)}${note}`;
    failureType = RESTORE_STAND_IN;
  }
  return { index, kind: 'request', request: { system: draft.system, failureType, date: draft.date.date, reason: reason.slice(0, LIMITS.reason), origin: draft.origin } };
}

function mapAlertmanager(payload: Record<string, unknown>, rules: MappingRules, window: DateWindow): AlertVerdict[] {
  const alerts = own(payload, 'alerts') as unknown[];
  if (alerts.length > rules.maxAlerts) {
    throw new AlertPayloadError(`alertmanager payload: ${alerts.length} alerts, at most ${rules.maxAlerts} per request (set max_alerts: ${rules.maxAlerts})`, 413);
  }
  return alerts.map((alert, index): AlertVerdict => {
    if (!alert || typeof alert !== 'object' || Array.isArray(alert)) return { index, kind: 'refused', why: `alerts[${index}] is not an object` };
    const labels = ownRecord(alert, 'labels');
    const annotations = ownRecord(alert, 'annotations');
    const rawName = typeof own(labels, 'alertname') === 'string' ? (own(labels, 'alertname') as string) : '';
    const name = cleanText(rawName, LIMITS.name) || 'unnamed';
    const status = own(alert, 'status') ?? own(payload, 'status');
    if (status === 'resolved') return { index, kind: 'ignored', why: `alerts[${index}] ${name}: resolved` };
    const system = systemFrom(own(labels, 'system'), own(labels, 'job'), own(labels, 'instance'), rawName, own(labels, 'service'));
    if (!system) return { index, kind: 'refused', why: `alerts[${index}] (${name}) names no system: set label system=acode|radar` };
    const fingerprint = cleanText(own(alert, 'fingerprint'), LIMITS.fingerprint);
    const summary = cleanText(own(annotations, 'summary'), LIMITS.summary) || cleanText(own(annotations, 'description'), LIMITS.summary);
    return verdictOf(
      index,
      {
        system,
        failureType: failureTypeOf(own(labels, 'failure_type'), rawName),
        date: dateOf(own(labels, 'date'), own(alert, 'startsAt'), window, { label: `alerts[${index}] labels.date`, instant: `alerts[${index}] startsAt` }),
        reason: `alertmanager ${name}${fingerprint ? ` (${fingerprint})` : ''}${summary ? `: ${summary}` : ''}`,
        origin: 'alertmanager',
      },
      rules,
    );
  });
}

const DATADOG_RESOLVED = new Set(['recovered', 'success']);

function mapDatadog(payload: Record<string, unknown>, rules: MappingRules, window: DateWindow): AlertVerdict[] {
  const rawTitle = String(own(payload, 'title') ?? own(payload, 'alert_title') ?? '');
  const title = cleanText(rawTitle, LIMITS.title);
  const id = cleanText(own(payload, 'id'), LIMITS.id);
  const transition = String(own(payload, 'alert_transition') ?? '').toLowerCase();
  const type = String(own(payload, 'alert_type') ?? '').toLowerCase();
  if (DATADOG_RESOLVED.has(transition) || DATADOG_RESOLVED.has(type)) {
    return [{ index: 0, kind: 'ignored', why: `datadog ${id} ${title}: resolved`.replace(/\s+/g, ' ') }];
  }
  const tags = parseDatadogTags(own(payload, 'tags'));
  const system = systemFrom(tags.get('system'), rawTitle, own(payload, 'body'), tags.get('service'));
  if (!system) return [{ index: 0, kind: 'refused', why: `datadog ${id}: names no system: add tag system:acode or system:radar`.replace(/\s+/g, ' ') }];
  const draft: Draft = {
    system,
    failureType: failureTypeOf(tags.get('failure_type'), tags.get('alertname') ?? rawTitle.replace(/^\[[^\]]*\]\s*/, '')),
    date: dateOf(tags.get('date'), own(payload, 'date') ?? own(payload, 'last_updated'), window, { label: 'tag date', instant: 'date' }),
    reason: `datadog ${id} ${title}`.replace(/\s+/g, ' ').trim(),
    origin: 'datadog',
  };
  return [verdictOf(0, draft, rules)];
}

/** Recognises the payload's shape and gives one verdict per alert; an unreadable payload is an AlertPayloadError. */
export function mapAlertPayload(payload: unknown, rules: MappingRules): AlertVerdict[] {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new AlertPayloadError('alert payload: expected one JSON object');
  const p = payload as Record<string, unknown>;
  const window = dateWindow(rules.now, rules.windowDays);
  if (Array.isArray(own(p, 'alerts'))) return mapAlertmanager(p, rules, window);
  if (['title', 'alert_title', 'alert_type', 'alert_transition'].some((key) => own(p, key) !== undefined)) return mapDatadog(p, rules, window);
  throw new AlertPayloadError('alert payload: neither Alertmanager (alerts[]) nor DataDog (title, alert_type) shape');
}
