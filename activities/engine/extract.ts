/**
 * The direct engine's activities (activities/types.ts): `syncTableToS3` on
 * top of the engine in extract-engine.ts, with heartbeats carrying the last
 * range checkpoint and `{ rows, files, total }` progress, a retried attempt
 * resuming from its heartbeat details, and the activity's cancellation
 * stopping the sync; `planTableSync` and `finishTableSync` for tables read
 * by several activities (extract-plan.ts); `syncTablesToS3` for a batch of
 * small tables in one activity (table-batch.ts).
 *
 * The worker's syncs share one DuckDB database (a connection per file), so a
 * sync of a small table pays no database start-up.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { currentContext } from '../activity-progress';
import { BUCKETS, SYSTEMS, type BucketRole } from '../../config/pipelines';
import { PIPELINE_LAKE_SHAPE } from '../../config/lake-schema';
import { assertWriterShape } from '../parquet/parquet-writer';
import type { MysqlSources } from '../mysql/mysql-sources';
import type { ExtractActivities } from '../types';
import { syncTable, type TableSyncOptions } from './extract-engine';
import { finishTableSync, planTableSync, type PlanOptions } from './extract-plan';
import { workerDuckDB } from './worker-duckdb';
import { syncTableBatch } from './table-batch';

export interface ExtractDeps {
  sources: MysqlSources;
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
  /** Engine settings (writer, file bounds, temp dir); progress and cancellation come from the activity. */
  options?: Omit<TableSyncOptions, 'onProgress' | 'signal'> & PlanOptions;
}

export function createExtractActivities(deps: ExtractDeps): ExtractActivities {
  const buckets = deps.buckets ?? { ...BUCKETS };
  // a writer that cannot write a pipeline's lake shape stops the worker at start-up, not the first sync
  for (const system of SYSTEMS) assertWriterShape(deps.options?.writer ?? 'duckdb', deps.options?.shape ?? PIPELINE_LAKE_SHAPE[system], 'worker start-up');
  const syncDeps = { sources: deps.sources, s3: deps.s3, buckets };
  const duckdb = deps.options?.writer === 'parquetjs' || deps.options?.duckdb ? undefined : workerDuckDB(deps.options);
  return {
    planTableSync: (input) => planTableSync(syncDeps, input, deps.options),
    finishTableSync: (input) => finishTableSync(syncDeps, input),
    async syncTablesToS3(input) {
      const context = currentContext();
      const shared = deps.options?.duckdb ?? (await duckdb?.());
      return syncTableBatch(input, (table, done) =>
        syncTable(syncDeps, table, {
          ...deps.options,
          duckdb: shared,
          signal: context?.cancellationSignal,
          onProgress: context ? (progress) => context.heartbeat({ batch: done, progress }) : undefined,
        }),
      );
    },
    async syncTableToS3(input) {
      const context = currentContext();
      // Every heartbeat carries the latest checkpoint (at first an earlier attempt's), never less.
      let checkpoint: unknown = context?.info.heartbeatDetails;
      return syncTable(syncDeps, input, {
        ...deps.options,
        duckdb: deps.options?.duckdb ?? (await duckdb?.()),
        signal: context?.cancellationSignal,
        // Heartbeats carry the last checkpoint, so a retried attempt continues after it.
        resumeFrom: context?.info.heartbeatDetails,
        onProgress: context ? (progress) => context.heartbeat({ ...(checkpoint as object | undefined), progress }) : undefined,
        onCheckpoint: context
          ? (cp) => {
              checkpoint = cp;
              context.heartbeat(cp);
            }
          : undefined,
      });
    },
  };
}
