/**
 * A worker process for the acceptance test: runs the conformance workflows until SIGTERM.
 *
 * Prints `worker starting` once its SIGTERM handler is installed (before the SDK
 * is even loaded), `worker running pid N` once polling, and `worker stopped`
 * when it has drained and closed its connection. SIGTERM at any point after
 * `worker starting` ends it with exit 0: before polling there is nothing to
 * drain, so it exits at once; while polling the worker shuts down gracefully.
 * Repeated SIGTERMs are harmless.
 */
import type { Worker } from '@temporalio/worker';

let worker: Worker | undefined;

process.on('SIGTERM', () => {
  if (worker === undefined || worker.getState() === 'INITIALIZED') {
    process.stdout.write('worker stopped before polling\n');
    process.exit(0);
  }
  if (worker.getState() === 'RUNNING') worker.shutdown();
});
process.stdout.write(`worker starting pid ${process.pid}\n`);

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('worker-main: TEMPORAL_ADDRESS and TASK_QUEUE must be set');
  const { NativeConnection, Worker } = await import('@temporalio/worker');
  const activities = await import('../conformance-activities');
  const connection = await NativeConnection.connect({ address });
  worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: require.resolve('../workflows/conformance'),
    activities,
    shutdownGraceTime: '1s',
  });
  const running = worker.run(); // the state is RUNNING from here: SIGTERM now drains
  process.stdout.write(`worker running pid ${process.pid}\n`);
  await running;
  await connection.close();
  process.stdout.write('worker stopped\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-main: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
