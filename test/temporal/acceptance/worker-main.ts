/** A worker process for the acceptance test: runs the conformance workflows until SIGTERM. */
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from '../conformance-activities';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('worker-main: TEMPORAL_ADDRESS and TASK_QUEUE must be set');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: require.resolve('../workflows/conformance'),
    activities,
    shutdownGraceTime: '1s',
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('worker running\n');
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-main: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
