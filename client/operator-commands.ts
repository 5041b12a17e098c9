/** What an operator asks of running workflows: answer a recovery, read a state, list runs. */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { parseOperatorDecision } from '../workflows/inputs';
import { decideUpdate, healthStateQuery, recoveryProgressQuery, type DecisionAnswer } from '../workflows/messages';
import { WORKFLOW_TYPES } from './workflow-starts';

/**
 * Sends the decision to the recovery as its `decide` Update: the answer says what the
 * recovery does next; a decision it cannot take now is refused with the reason (thrown).
 */
export async function sendOperatorDecision(client: Client, workflowId: string, decision: unknown): Promise<DecisionAnswer> {
  const parsed = parseOperatorDecision(decision);
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  if (description.type !== 'recovery') throw new Error(`${workflowId} is a ${description.type}, not a recovery: it takes no decision`);
  try {
    return await handle.executeUpdate(decideUpdate, { args: [parsed] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(`${workflowId} refused the decision: ${err.cause?.message ?? err.message}`);
    throw err;
  }
}

export interface WorkflowReport {
  workflowId: string;
  type: string;
  status: string;
  /** healthState of a monitor, recoveryProgress of a recovery, the result of a finished run. */
  state?: unknown;
}

export async function describeWorkflow(client: Client, workflowId: string): Promise<WorkflowReport> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const report: WorkflowReport = { workflowId, type: description.type, status: description.status.name };
  if (description.status.name === 'RUNNING') {
    if (description.type === 'healthMonitor') report.state = await handle.query(healthStateQuery);
    else if (description.type === 'recovery') report.state = await handle.query(recoveryProgressQuery);
  } else if (description.status.name === 'COMPLETED') {
    report.state = await handle.result();
  }
  return report;
}

export interface ListedWorkflow {
  workflowId: string;
  type: string;
  status: string;
  startTime: string;
}

export async function listWorkflows(client: Client, type?: string, limit = 50): Promise<ListedWorkflow[]> {
  if (type !== undefined && !(WORKFLOW_TYPES as readonly string[]).includes(type)) {
    throw new Error(`--type: unknown workflow ${JSON.stringify(type)} (known: ${WORKFLOW_TYPES.join(', ')})`);
  }
  const listed: ListedWorkflow[] = [];
  for await (const wf of client.workflow.list(type ? { query: `WorkflowType = '${type}'` } : {})) {
    listed.push({ workflowId: wf.workflowId, type: wf.type, status: wf.status.name, startTime: wf.startTime.toISOString() });
    if (listed.length >= limit) break;
  }
  return listed;
}
