/**
 * sendAlert with the seeds' severity routing:
 * - INFO, WARNING → Slack #data-engineering
 * - ERROR → Slack #alerts
 * - CRITICAL → PagerDuty Events API v2 trigger (with a dedup key), then Slack #alerts
 *
 * Slack incoming webhooks are bound to one channel each, so the factory takes one
 * webhook URL per channel. The PagerDuty routing key is read at send time from the
 * environment variable the config names; it never travels as an argument. Content
 * is sanitised first (alert-sanitize.ts). PagerDuty goes first because a
 * retry of it is folded by its dedup key.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { invalidInput } from '../../config/failures';
import { SYSTEMS, isSystem } from '../../config/pipelines';
import type { AlertActivities, AlertDelivery, Severity } from '../types';
import { alertContent, pagerDutyTrigger, slackMessage } from './alert-format';
import { deliver } from './alert-delivery';

export interface AlertActivitiesOptions {
  slackWebhooks: { dataEngineering: string; alerts: string };
  pagerDuty: {
    /** Events API v2 enqueue URL; defaults to https://events.pagerduty.com/v2/enqueue. */
    url?: string;
    /** Name of the environment variable holding the integration's routing key, e.g. PAGERDUTY_ROUTING_KEY. */
    routingKeyEnv: string;
  };
  /** Base URL of the Temporal UI, e.g. http://localhost:8233. */
  temporalUiUrl: string;
  namespace?: string;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  /** Bound on each delivery; defaults to 10 s. */
  requestTimeoutMs?: number;
  now?: () => Date;
}

export const SLACK_CHANNELS = { dataEngineering: '#data-engineering', alerts: '#alerts' } as const;
const SEVERITIES: Severity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/** Checks a configured URL; the message names the field, never the value (webhook paths are secrets). */
function checkUrl(field: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`alerts: ${field} must be an http(s) URL`);
  return url.toString();
}

function invalid(message: string): ApplicationFailure {
  return invalidInput(`sendAlert: ${message}`);
}

export function createAlertActivities(options: AlertActivitiesOptions): AlertActivities {
  const webhooks = {
    dataEngineering: checkUrl('slackWebhooks.dataEngineering', options.slackWebhooks?.dataEngineering),
    alerts: checkUrl('slackWebhooks.alerts', options.slackWebhooks?.alerts),
  };
  const pagerDutyUrl = checkUrl('pagerDuty.url', options.pagerDuty?.url ?? 'https://events.pagerduty.com/v2/enqueue');
  const routingKeyEnv = options.pagerDuty?.routingKeyEnv;
  if (typeof routingKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(routingKeyEnv)) {
    throw new Error('alerts: pagerDuty.routingKeyEnv must name an environment variable, e.g. PAGERDUTY_ROUTING_KEY');
  }
  const temporalUiUrl = checkUrl('temporalUiUrl', options.temporalUiUrl).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const env = options.env ?? process.env;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());

  const routingKey = (): string => {
    const key = env[routingKeyEnv];
    if (!key) {
      throw invalid(`PagerDuty routing key missing: environment variable ${routingKeyEnv} is not set`);
    }
    return key;
  };

  return {
    async sendAlert(alert): Promise<AlertDelivery> {
      if (alert === null || typeof alert !== 'object') throw invalid('alert must be an object');
      if (!SEVERITIES.includes(alert.severity)) throw invalid(`severity ${JSON.stringify(alert.severity)} must be one of ${SEVERITIES.join(', ')}`);
      if (!isSystem(alert.system)) throw invalid(`system ${JSON.stringify(alert.system)} must be one of ${SYSTEMS.join(', ')}`);
      if (typeof alert.title !== 'string' || alert.title.trim() === '') throw invalid('title must be a non-empty string');

      const content = alertContent(alert, now(), temporalUiUrl, options.namespace ?? 'default');
      const toAlerts = alert.severity === 'ERROR' || alert.severity === 'CRITICAL';
      const slackChannel = toAlerts ? SLACK_CHANNELS.alerts : SLACK_CHANNELS.dataEngineering;
      const pagerDuty = alert.severity === 'CRITICAL';

      if (pagerDuty) {
        await deliver(doFetch, timeoutMs, { channel: 'PagerDuty', url: pagerDutyUrl, body: pagerDutyTrigger(content, routingKey(), temporalUiUrl) });
      }
      await deliver(doFetch, timeoutMs, {
        channel: `Slack ${slackChannel}`,
        url: toAlerts ? webhooks.alerts : webhooks.dataEngineering,
        body: slackMessage(content),
      });
      return { slackChannel, pagerDuty };
    },
  };
}
