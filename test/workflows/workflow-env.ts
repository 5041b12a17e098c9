/**
 * The local Temporal service with time skipping, a real Worker running this
 * project's workflows with the given activities, and a Client, for workflow tests.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';

export interface WorkflowEnv {
  temporal: LocalTemporal;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'), logger: quiet });
  return bundle;
}

let runtimeInstalled = false;

export async function startWorkflowEnv(activities: object): Promise<WorkflowEnv> {
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: { ...quiet, log() {} } as never });
    } catch {
      // already installed by another helper in this process
    }
    runtimeInstalled = true;
  }
  const temporal = await startLocalTemporal({ timeSkipping: true });
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const taskQueue = `workflows-${randomUUID()}`;
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: clientConnection, namespace: temporal.namespace });
  return {
    temporal,
    client,
    taskQueue,
    close: async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await clientConnection.close();
      await workerConnection.close();
      await temporal.shutdown();
    },
  };
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
