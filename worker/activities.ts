/**
 * All activities of the service, built from their clients. The worker
 * registers the result; tests build the same object against local servers.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Activities } from '../activities/types';
import type { MysqlSources } from '../activities/mysql-sources';
import type { BucketRole } from '../config/pipelines';
import { createMysqlActivities } from '../activities/mysql';
import { createExtractActivities, type ExtractDeps } from '../activities/extract';
import { createS3Activities } from '../activities/s3';
import { createParquetActivities } from '../activities/parquet';
import { createQualityActivities } from '../activities/quality';
import { createReconcileActivities } from '../activities/reconcile';
import { createAirbyteActivities, type AirbyteActivitiesOptions } from '../activities/airbyte';
import { createAlertActivities, type AlertActivitiesOptions } from '../activities/alerts';

export interface ActivityDeps {
  sources: MysqlSources;
  s3: S3Client;
  buckets: Record<BucketRole, string>;
  airbyte: AirbyteActivitiesOptions;
  alerts: AlertActivitiesOptions;
  extract?: ExtractDeps['options'];
}

export function createActivities(deps: ActivityDeps): Activities {
  const storage = { s3: deps.s3, buckets: deps.buckets };
  return {
    ...createMysqlActivities({ sources: deps.sources }),
    ...createExtractActivities({ sources: deps.sources, ...storage, options: deps.extract }),
    ...createS3Activities(storage),
    ...createParquetActivities(storage),
    ...createQualityActivities(storage),
    ...createReconcileActivities(storage),
    ...createAirbyteActivities(deps.airbyte),
    ...createAlertActivities(deps.alerts),
  };
}
