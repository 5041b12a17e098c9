/**
 * A worker in its own process, for the worker-crash scenario: the project's
 * workflows (a pre-built bundle, WORKFLOW_BUNDLE) and the real activities from
 * the configured environment (config/env.ts names), direct-engine settings from
 * EXTRACT_OPTIONS (JSON). Prints `worker running` once polling; killed by the test.
 * With WAIT_FOR_RUN=1 the worker is created (connected, bundle loaded), prints
 * `worker ready`, and starts polling only when a line `run` arrives on stdin:
 * a standby that takes over at once when the test kills the running one.
 * SIGTERM before polling ends it at once with exit 0 (nothing to drain); while
 * polling the worker shuts down gracefully and the process exits 0.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import { airbyteSettings, bucketNames, loadEnvConfig, sourceEndpoints } from '../../config/env';
import { createLocalS3Client } from '../../engines/s3-server';
import { createActivities } from '../../worker/activities';

let worker: Worker | undefined;
process.on('SIGTERM', () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  else if (worker === undefined || worker.getState() === 'INITIALIZED') process.exit(0);
});

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadEnvConfig();
  const bundlePath = process.env.WORKFLOW_BUNDLE;
  if (!bundlePath || !config.temporal.addressConfigured || !config.S3_ENDPOINT || !config.AIRBYTE_URL) {
    throw new Error('worker-process: WORKFLOW_BUNDLE, TEMPORAL_ADDRESS, S3_ENDPOINT and AIRBYTE_URL are required');
  }
  const sources = createMysqlSources(sourceEndpoints(config));
  const activities = createActivities({
    sources,
    s3: createLocalS3Client(config.S3_ENDPOINT),
    buckets: bucketNames(config),
    airbyte: airbyteSettings(config),
    alerts: {
      slackWebhooks: { dataEngineering: config.SLACK_WEBHOOK_DATA_ENGINEERING ?? '', alerts: config.SLACK_WEBHOOK_ALERTS ?? '' },
      pagerDuty: { url: config.PAGERDUTY_EVENTS_URL, routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' },
      temporalUiUrl: config.TEMPORAL_UI_URL,
    },
    extract: JSON.parse(process.env.EXTRACT_OPTIONS ?? '{}'),
  });
  const connection = await NativeConnection.connect(config.temporal.connection);
  worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { code: readFileSync(bundlePath, 'utf8') },
    activities,
    // The drills shorten heartbeat timeouts to seconds; checkpoints reach the server as promptly in proportion.
    maxHeartbeatThrottleInterval: '200ms',
  });
  if (process.env.WAIT_FOR_RUN === '1') await untilRunRequested();
  const running = worker.run();
  console.log(`worker running pid ${process.pid}`);
  await running;
  await sources.close();
  await connection.close();
}

function untilRunRequested(): Promise<void> {
  console.log(`worker ready pid ${process.pid}`);
  return new Promise((resolve, reject) => {
    let received = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      received += chunk;
      if (received.split('\n').includes('run')) {
        process.stdin.destroy();
        resolve();
      }
    });
    process.stdin.once('end', () => reject(new Error('worker-process: stdin closed before `run`')));
  });
}

main().catch((err: Error) => {
  console.error(`worker-process: ${err.message}`);
  process.exit(1);
});
