/**
 * Sending an alert from a workflow: the alert carries the workflow's id and run
 * id (the receiver links them to the Temporal UI). An alert that cannot be
 * delivered is logged and never fails the work it reports on.
 */
import { log, workflowInfo } from '@temporalio/workflow';
import type { Alert, AlertDelivery } from '../activities/types';
import type { ActivityProxies } from './activity-options';
import { failureMessageOf } from './failure-classification';

export async function raiseAlert(proxies: ActivityProxies, alert: Alert): Promise<AlertDelivery | undefined> {
  const { workflowId, runId } = workflowInfo();
  try {
    return await proxies.alert.sendAlert({ workflowId, runId, ...alert });
  } catch (err) {
    log.warn('alert not delivered', { title: alert.title, severity: alert.severity, error: failureMessageOf(err) });
    return undefined;
  }
}
