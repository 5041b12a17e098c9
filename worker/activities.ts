/**
 * All activities of the service, built from their clients. The worker
 * registers the result; tests build the same object against local servers.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Activities } from '../activities/types';
import type { MysqlSources } from '../activities/mysql/mysql-sources';
import type { BucketRole } from '../config/pipelines';
import { createMysqlActivities } from '../activities/mysql/mysql';
import { createExtractActivities, type ExtractDeps } from '../activities/engine/extract';
import { createS3Activities } from '../activities/s3/s3';
import { createStorageCheckActivities } from '../activities/s3/storage-check';
import { createParquetActivities } from '../activities/parquet/parquet';
import { createQualityActivities } from '../activities/quality/quality';
import { createReconcileActivities } from '../activities/quality/reconcile';
import { createAirbyteActivities, type AirbyteActivitiesOptions } from '../activities/airbyte/airbyte';
import { createAlertActivities, type AlertActivitiesOptions } from '../activities/alerts/alerts';

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
    ...createStorageCheckActivities(storage),
    ...createParquetActivities({ ...storage, sources: deps.sources }),
    ...createQualityActivities(storage),
    ...createReconcileActivities({ ...storage, sources: deps.sources }),
    ...createAirbyteActivities(deps.airbyte),
    ...createAlertActivities(deps.alerts),
  };
}
