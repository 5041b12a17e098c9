/**
 * The project's workflows on the shared test environment (test/helpers/temporal-env.ts):
 * the local service with time skipping, a real Worker with the given activities, a Client.
 */
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import type { LocalTemporal } from '../../local/temporal/server';
import { createTemporalEnv } from '../helpers/temporal-env';

export interface WorkflowEnv {
  temporal: LocalTemporal;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export const PROJECT_WORKFLOWS = path.resolve(__dirname, '../../workflows/index.ts');

export async function startWorkflowEnv(activities: object): Promise<WorkflowEnv> {
  const env = await createTemporalEnv({ workflowsPath: PROJECT_WORKFLOWS, activities });
  if (!env.service) throw new Error('these workflow tests read the local service clock: unset TEMPORAL_ADDRESS');
  return { temporal: env.service, client: env.client, taskQueue: env.taskQueue, close: () => env.teardown() };
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` of real time passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
