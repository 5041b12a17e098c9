/**
 * Config → clients → activities → Worker. Used by the main job, the container
 * (`node dist/worker/main.js --serve`) and anyone running a worker by hand.
 */
import { MAX_HEARTBEAT_THROTTLE } from './heartbeats';
import { existsSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities, Alert, AlertDelivery } from '../activities/types';
import { createMysqlSources, type MysqlSources } from '../activities/mysql/mysql-sources';
import { applyServerSideEncryption } from '../activities/s3/s3-encryption';
import { airbyteSettings, bucketNames, sourceEndpoints, type EnvConfig } from '../config/env';
import { createActivities } from './activities';
import { closeWorkerDuckDBs } from '../activities/engine/worker-duckdb';
import { BUNDLE_PATH, WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from './bundle';
import { activityMetricsInterceptor } from './activity-metrics-interceptor';
import { createIngestionMetrics, ingestionMetricsSinks, type IngestionMetrics } from './metrics';

/** Workflow interceptor modules bundled with the workflows (a prebuilt bundle must be built with them too). */

export interface IngestionWorker {
  worker: Worker;
  sources: MysqlSources;
  metrics: IngestionMetrics;
  close(): Promise<void>;
}

/** The one S3 client of the activities; every object it writes is encrypted at rest (S3_SSE). */
export function s3ClientFor(config: EnvConfig): S3Client {
  const client = new S3Client({
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: Boolean(config.S3_ENDPOINT),
  });
  return applyServerSideEncryption(client, config.S3_SSE);
}

/** Alerts go to the log when no Slack webhook is configured (a demo stack), never silently nowhere. */
function logOnlyAlerts(log: (line: string) => void): Pick<Activities, 'sendAlert'> {
  return {
    async sendAlert(alert: Alert): Promise<AlertDelivery> {
      log(`alert ${alert.severity} ${alert.system}: ${alert.title} (no Slack webhook configured)`);
      return { slackChannel: 'log', pagerDuty: false };
    },
  };
}

export function buildActivities(config: EnvConfig, sources: MysqlSources, log: (line: string) => void): Activities {
  const activities = createActivities({
    sources,
    s3: s3ClientFor(config),
    buckets: bucketNames(config),
    airbyte: airbyteSettings(config),
    extract: { rangeConnections: config.EXTRACT_RANGE_CONNECTIONS, rowsPerActivity: config.EXTRACT_ROWS_PER_ACTIVITY },
    alerts: {
      slackWebhooks: {
        dataEngineering: config.SLACK_WEBHOOK_DATA_ENGINEERING ?? '',
        alerts: config.SLACK_WEBHOOK_ALERTS ?? '',
      },
      pagerDuty: { url: config.PAGERDUTY_EVENTS_URL, routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' },
      temporalUiUrl: config.TEMPORAL_UI_URL,
      namespace: config.temporal.namespace,
    },
  });
  const slackConfigured = Boolean(config.SLACK_WEBHOOK_ALERTS && config.SLACK_WEBHOOK_DATA_ENGINEERING);
  return slackConfigured ? activities : { ...activities, ...logOnlyAlerts(log) };
}

export async function createIngestionWorker(
  config: EnvConfig,
  log: (line: string) => void,
  options: { metrics?: IngestionMetrics } = {},
): Promise<IngestionWorker> {
  const metrics = options.metrics ?? createIngestionMetrics();
  const sources = createMysqlSources(sourceEndpoints(config));
  const connection = await NativeConnection.connect(config.temporal.connection);
  // A compiled worker (dist/) uses the bundle built at image build; from source, the workflows are bundled at start.
  const compiled = __filename.endsWith('.js') && existsSync(BUNDLE_PATH);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: buildActivities(config, sources, log),
    ...(compiled ? { workflowBundle: { codePath: BUNDLE_PATH } } : { workflowsPath: WORKFLOWS_PATH }),
    interceptors: {
      activity: [activityMetricsInterceptor(metrics)],
      ...(compiled ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
    },
    sinks: ingestionMetricsSinks(metrics),
    // On SIGTERM the worker stops polling and gives running activities this long to finish before cancelling them.
    shutdownGraceTime: '30s',
    maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE,
  });
  return {
    worker,
    sources,
    metrics,
    async close() {
      await sources.close();
      await connection.close();
      await closeWorkerDuckDBs();
    },
  };
}
