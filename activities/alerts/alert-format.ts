/**
 * Turns an alert into what each receiver takes, with no I/O: a sanitised
 * content record, a Slack message (blocks plus fallback text, markup escaped,
 * within Slack's block limits) and a PagerDuty Events v2 trigger.
 */
import type { Alert, Severity } from '../types';
import { ALERT_LIMITS, escapeSlackText, sanitizeMetrics, sanitizeText, truncate, type SanitizedMetrics } from './alert-sanitize';

export interface AlertContent {
  severity: Severity;
  system: string;
  title: string;
  actionRequired: string;
  metrics: SanitizedMetrics;
  workflowId?: string;
  runId?: string;
  dedupKey: string;
  /** ISO 8601, when the alert was sent. */
  time: string;
  workflowUrl?: string;
}

const SEVERITY_MARK: Record<Severity, string> = {
  INFO: ':information_source:',
  WARNING: ':warning:',
  ERROR: ':x:',
  CRITICAL: ':rotating_light:',
};

/** `<ui>/namespaces/<ns>/workflows/<workflowId>/<runId>/history`, or the workflow's page when the run is unknown. */
export function temporalWorkflowUrl(temporalUiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

export function alertContent(alert: Alert, now: Date, temporalUiUrl: string, namespace = 'default'): AlertContent {
  const title = sanitizeText(alert.title, ALERT_LIMITS.title) || '(untitled alert)';
  const workflowId = alert.workflowId ? sanitizeText(alert.workflowId, ALERT_LIMITS.reference) : undefined;
  const runId = alert.runId ? sanitizeText(alert.runId, ALERT_LIMITS.reference) : undefined;
  const dedupKey =
    (alert.dedupKey ? sanitizeText(alert.dedupKey, ALERT_LIMITS.reference) : '') ||
    truncate(`${alert.system}:${workflowId ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, ALERT_LIMITS.reference);
  return {
    severity: alert.severity,
    system: alert.system,
    title,
    actionRequired: sanitizeText(alert.actionRequired, ALERT_LIMITS.actionRequired, { multiline: true }) || 'none',
    metrics: sanitizeMetrics(alert.metrics),
    workflowId,
    runId,
    dedupKey,
    time: now.toISOString(),
    workflowUrl: workflowId ? temporalWorkflowUrl(temporalUiUrl, namespace, workflowId, runId) : undefined,
  };
}

const field = (label: string, value: string) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) });

export function slackMessage(content: AlertContent): { text: string; blocks: Record<string, unknown>[] } {
  const system = content.system.toUpperCase();
  const title = escapeSlackText(content.title);
  const workflow = content.workflowUrl
    ? `<${escapeSlackText(content.workflowUrl)}|${escapeSlackText(content.workflowId ?? 'workflow')}>`
    : '_not linked to a workflow_';
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `${content.severity} · ${system}`, emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_MARK[content.severity]} *${title}*` } },
    {
      type: 'section',
      fields: [field('System', system), field('Severity', content.severity), field('Time', content.time), field('Workflow', workflow)],
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*Action required*\n${escapeSlackText(content.actionRequired)}`, 3000) } },
  ];
  const metricFields = content.metrics.entries.map(([k, v]) => field(escapeSlackText(k), escapeSlackText(v)));
  for (let i = 0; i < metricFields.length; i += 10) blocks.push({ type: 'section', fields: metricFields.slice(i, i + 10) });
  const notes: string[] = [];
  if (content.workflowUrl) notes.push(`<${escapeSlackText(content.workflowUrl)}|Open in Temporal UI>`);
  if (content.metrics.withheld > 0) notes.push(`${content.metrics.withheld} metric(s) withheld from this message`);
  if (notes.length > 0) blocks.push({ type: 'context', elements: notes.map((text) => ({ type: 'mrkdwn', text })) });
  return { text: `[${content.severity}] ${system}: ${title}`, blocks };
}

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links: { href: string; text: string }[];
  client: string;
  client_url: string;
}

const PD_SEVERITY: Record<Severity, PagerDutyTrigger['payload']['severity']> = {
  INFO: 'info',
  WARNING: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
};

export function pagerDutyTrigger(content: AlertContent, routingKey: string, temporalUiUrl: string): PagerDutyTrigger {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: content.dedupKey,
    payload: {
      summary: truncate(`[${content.system.toUpperCase()}] ${content.title} | action: ${content.actionRequired.replace(/\n+/g, ' ')}`, 1024),
      source: `farmarcas-ingestion/${content.system}`,
      severity: PD_SEVERITY[content.severity],
      timestamp: content.time,
      component: content.system,
      group: 'bronze-ingestion',
      class: 'ingestion',
      custom_details: {
        action_required: content.actionRequired,
        metrics: Object.fromEntries(content.metrics.entries),
        metrics_withheld: content.metrics.withheld,
        workflow_id: content.workflowId,
        run_id: content.runId,
      },
    },
    links: content.workflowUrl ? [{ href: content.workflowUrl, text: 'Workflow in Temporal UI' }] : [],
    client: 'Farmarcas ingestion orchestrator',
    client_url: temporalUiUrl,
  };
}
