import { randomUUID } from 'node:crypto';
import { MAX_HEARTBEAT_THROTTLE } from '../../worker/heartbeats';
import { engineExecutable } from '../../engines/executables';
import type { Client, WorkflowHandleWithFirstExecutionRunId, WorkflowStartOptions } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { cachedWorkflowBundle } from '../workflows/fast/workflow-bundle';

/**
 * Which of Temporal's servers a test runs on: `time-skipping`, Temporal's test server
 * (timers and backoffs skipped while a client awaits a result), or `dev`, the CLI's dev
 * server (real time, with Schedules and visibility queries, which the test server lacks).
 */
export type TestServer = 'time-skipping' | 'dev';

/**
 * The SDK's test environment on the server asked for (engines/install.sh installs both;
 * TEMPORAL_TEST_SERVER and TEMPORAL_CLI name other executables), or, with TEMPORAL_ADDRESS,
 * an existing server in real time.
 */
export async function createTestEnvironment(server: TestServer = 'time-skipping'): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) return TestWorkflowEnvironment.createFromExistingServer({ address: external });
  if (server === 'dev') {
    const path = engineExecutable('temporal');
    return TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path }, ip: '127.0.0.1', extraArgs: ['--log-level', 'error'] } });
  }
  const path = engineExecutable('temporal-test-server');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

/**
 * Stops time skipping until released (LockTimeSkipping/UnlockTimeSkipping), also while a
 * client awaits a result; nothing to do on a real-time server.
 */
export async function pinClock(env: TestWorkflowEnvironment): Promise<{ release(): Promise<void> }> {
  const testService = env.supportsTimeSkipping ? env.connection.testService : undefined;
  await testService?.lockTimeSkipping({});
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await testService?.unlockTimeSkipping({});
    },
  };
}

/**
 * Lets time skip while `wait` is pending, as the SDK's time-skipping client does while it
 * awaits a result (UnlockTimeSkipping, then LockTimeSkipping): for a test that waits for
 * something other than a result — an activity call, an alert — of a run that goes on.
 */
export async function skipTimeUntil<T>(env: TestWorkflowEnvironment, wait: Promise<T>): Promise<T> {
  const testService = env.supportsTimeSkipping ? env.connection.testService : undefined;
  await testService?.unlockTimeSkipping({});
  try {
    return await wait;
  } finally {
    await testService?.lockTimeSkipping({});
  }
}

/** How far the environment's clock is ahead of real time (0 on a real-time server). */
export async function skippedMs(env: TestWorkflowEnvironment): Promise<number> {
  return (await env.currentTimeMs()) - Date.now();
}

export interface TemporalEnvOptions {
  /** Module whose exports are the workflows to register (bundled once per environment). */
  workflowsPath: string;
  /** Activity implementations to register on the worker. */
  activities?: object;
  /** The server (default time-skipping). */
  server?: TestServer;
  /** Extra worker settings. */
  worker?: Partial<Omit<WorkerOptions, 'connection' | 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'activities'>>;
}

export type RunOptions = Omit<WorkflowStartOptions, 'taskQueue' | 'workflowId'> & { workflowId?: string; taskQueue?: string };

export interface TemporalEnv {
  client: Client;
  /** The worker's task queue, unique per environment. */
  taskQueue: string;
  address: string;
  /** The SDK's test environment: sleep(), currentTimeMs(), the time-skipping client. */
  testEnv: TestWorkflowEnvironment;
  /** Starts a workflow on the worker's task queue. */
  start<W extends Workflow>(workflow: W | string, opts?: RunOptions): Promise<WorkflowHandleWithFirstExecutionRunId<W>>;
  /** Starts a workflow and waits for its result. */
  run<W extends Workflow>(workflow: W | string, opts?: RunOptions): Promise<WorkflowResultType<W>>;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;
export function quietRuntime(): void {
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
 * A Temporal environment for tests: one of Temporal's servers (or TEMPORAL_ADDRESS), a worker
 * running the given workflows and activities on a unique task queue, and a client.
 */
export async function createTemporalEnv(options: TemporalEnvOptions): Promise<TemporalEnv> {
  const testEnv = await createTestEnvironment(options.server);
  const taskQueue = `test-${randomUUID()}`;
  const workflowBundle = await cachedWorkflowBundle(options.workflowsPath);
  const worker = await Worker.create({
    connection: testEnv.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    activities: options.activities ?? {},
    shutdownGraceTime: '1s',
    maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE,
    ...options.worker,
  });
  const running = worker.run();
  const client = testEnv.client;
  const start = <W extends Workflow>(workflow: W | string, opts: RunOptions = {}) =>
    client.workflow.start(workflow as W, {
      ...opts,
      taskQueue: opts.taskQueue ?? taskQueue,
      workflowId: opts.workflowId ?? `wf-${randomUUID()}`,
    } as WorkflowStartOptions<W>);
  return {
    client,
    taskQueue,
    address: testEnv.address,
    testEnv,
    start,
    async run<W extends Workflow>(workflow: W | string, opts?: RunOptions) {
      const handle = await start(workflow, opts);
      return handle.result();
    },
    async teardown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await testEnv.teardown();
    },
  };
}
