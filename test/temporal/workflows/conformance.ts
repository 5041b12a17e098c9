/** Test-only workflows that exercise the local Temporal service through the real SDK. */
import * as wf from '@temporalio/workflow';
import type * as activities from '../conformance-activities';

const { greet } = wf.proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function greetingWorkflow(name: string): Promise<string> {
  return await greet(name);
}
