/**
 * A local PagerDuty Events API v2 receiver (POST /v2/enqueue). Validates events
 * as PagerDuty does and answers 202 {status:'success', message:'Event processed',
 * dedup_key} or 400 {status:'invalid event', message:'Event object is invalid',
 * errors:[…]}. Triggers sharing a dedup_key fold into one open incident.
 */
import { randomBytes } from 'node:crypto';
import { parseJsonObject, RecordingReceiver, type Answer } from './recording-receiver';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: { href: string; text?: string }[];
  client?: string;
  client_url?: string;
  /** The body exactly as received. */
  raw: string;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** The errors PagerDuty lists for an event, empty when it is valid. */
export function validatePagerDutyEvent(event: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (blank(event.routing_key)) errors.push("'routing_key' is missing or blank");
  else if ((event.routing_key as string).length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (blank(event.event_action)) errors.push("'event_action' is missing or blank");
  else if (!ACTIONS.includes(event.event_action as string)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (event.dedup_key !== undefined && (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255)) {
    errors.push("'dedup_key' must be a string of at most 255 characters");
  }
  if (event.event_action === 'trigger') {
    const payload = event.payload as Record<string, unknown> | undefined;
    if (payload === null || typeof payload !== 'object') {
      errors.push("'payload' is missing or blank");
    } else {
      if (blank(payload.summary)) errors.push("'payload.summary' is missing or blank");
      else if ((payload.summary as string).length > 1024) errors.push("'payload.summary' is too long (maximum 1024 characters)");
      if (blank(payload.source)) errors.push("'payload.source' is missing or blank");
      if (blank(payload.severity)) errors.push("'payload.severity' is missing or blank");
      else if (!SEVERITIES.includes(payload.severity as string)) {
        errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      }
      if (payload.timestamp !== undefined && (typeof payload.timestamp !== 'string' || Number.isNaN(Date.parse(payload.timestamp)))) {
        errors.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
      }
    }
  } else if ((event.event_action === 'acknowledge' || event.event_action === 'resolve') && blank(event.dedup_key)) {
    errors.push("'dedup_key' is missing or blank");
  }
  return errors;
}

export class PagerDutyReceiver extends RecordingReceiver<PagerDutyEvent> {
  /** dedup_key → how many triggers it received while open. */
  readonly openIncidents = new Map<string, number>();

  get enqueueUrl(): string {
    return `${this.url}/v2/enqueue`;
  }

  protected answer(method: string, path: string, body: string): Answer {
    const json = (status: number, value: unknown): Answer => ({ status, contentType: 'application/json', body: JSON.stringify(value) });
    if (method !== 'POST' || path !== '/v2/enqueue') return json(404, { status: 'not found', message: 'Not Found' });
    const event = parseJsonObject(body);
    if (!event) return json(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid JSON'] });
    const errors = validatePagerDutyEvent(event);
    if (errors.length > 0) return json(400, { status: 'invalid event', message: 'Event object is invalid', errors });
    const dedupKey = (event.dedup_key as string | undefined) ?? randomBytes(16).toString('hex');
    if (event.event_action === 'trigger') this.openIncidents.set(dedupKey, (this.openIncidents.get(dedupKey) ?? 0) + 1);
    else if (event.event_action === 'resolve') this.openIncidents.delete(dedupKey);
    this.record({ ...(event as unknown as Omit<PagerDutyEvent, 'raw'>), dedup_key: dedupKey, raw: body });
    return json(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
  }
}

export async function startPagerDutyReceiver(port = 0): Promise<PagerDutyReceiver> {
  const receiver = new PagerDutyReceiver();
  await receiver.listen(port);
  return receiver;
}
