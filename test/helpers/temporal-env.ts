import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId, type WorkflowStartOptions } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';

export interface TemporalEnvOptions {
  /** Module whose exports are the workflows to register (bundled once per environment). */
  workflowsPath: string;
  /** Activity implementations to register on the worker. */
  activities?: object;
  /** Skip time when nothing is outstanding (local service only). Default true. */
  timeSkipping?: boolean;
  /** Extra worker settings. */
  worker?: Partial<Omit<WorkerOptions, 'connection' | 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'activities'>>;
}

export type RunOptions = Omit<WorkflowStartOptions, 'taskQueue' | 'workflowId'> & { workflowId?: string; taskQueue?: string };

export interface TemporalEnv {
  client: Client;
  /** The worker's task queue, unique per environment. */
  taskQueue: string;
  address: string;
  /** The local service, when this environment started one (undefined with TEMPORAL_ADDRESS). */
  service?: LocalTemporal;
  /** Starts a workflow on the worker's task queue. */
  start<W extends Workflow>(workflow: W | string, opts?: RunOptions): Promise<WorkflowHandleWithFirstExecutionRunId<W>>;
  /** Starts a workflow and waits for its result. */
  run<W extends Workflow>(workflow: W | string, opts?: RunOptions): Promise<WorkflowResultType<W>>;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL as 'WARN' | undefined) ?? 'ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: (process.env.TEMPORAL_TEST_LOG_LEVEL as 'WARN' | undefined) ?? 'ERROR', other: 'ERROR' }), forward: {} } },
    });
  } catch {
    // A runtime is already installed in this process: keep it.
  }
}

/**
 * A Temporal environment for tests: the local service (or TEMPORAL_ADDRESS), a worker
 * running the given workflows and activities on a unique task queue, and a client.
 */
export async function createTemporalEnv(options: TemporalEnvOptions): Promise<TemporalEnv> {
  quietRuntime();
  const external = process.env.TEMPORAL_ADDRESS;
  const service = external ? undefined : await startLocalTemporal({ port: 0, timeSkipping: options.timeSkipping ?? true });
  const address = external ?? (service as LocalTemporal).address;
  const taskQueue = `test-${randomUUID()}`;
  const [workflowBundle, nativeConnection, connection] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: options.workflowsPath, logger: new DefaultLogger('WARN') }),
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    activities: options.activities ?? {},
    shutdownGraceTime: '1s',
    ...options.worker,
  });
  const running = worker.run();
  const client = new Client({ connection, namespace: 'default' });
  const start = <W extends Workflow>(workflow: W | string, opts: RunOptions = {}) =>
    client.workflow.start(workflow as W, {
      ...opts,
      taskQueue: opts.taskQueue ?? taskQueue,
      workflowId: opts.workflowId ?? `wf-${randomUUID()}`,
    } as WorkflowStartOptions<W>);
  return {
    client,
    taskQueue,
    address,
    service,
    start,
    async run<W extends Workflow>(workflow: W | string, opts?: RunOptions) {
      const handle = await start(workflow, opts);
      return handle.result();
    },
    async teardown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await nativeConnection.close();
      await service?.shutdown();
    },
  };
}
