/**
 * The simulator's sync function built on the direct engine: a job of a
 * connection syncs each of its streams, one after another, into the
 * connection's bucket (bronze for a primary, backup for a backup source) under
 * the day's partition, and reports the records and bytes written. Cancelling
 * the job aborts the stream in flight and skips the rest.
 */
import type { BucketRole } from '../../config/pipelines';
import type { TableSyncInput, TableSyncResult } from '../../activities/types';
import type { ConnectionIdentity, RunSync } from './simulator';
import { utcDay } from '../../config/calendar';

export interface DirectEngineSyncOptions {
  /** One stream to S3, honouring the signal (in the main job: the direct engine's syncTable). */
  syncStream(input: TableSyncInput, signal: AbortSignal): Promise<TableSyncResult>;
  /** The streams a connection syncs, e.g. ACODE's three tables or Radar's source tables. */
  streams(connection: ConnectionIdentity): string[] | Promise<string[]>;
  /** The cog_dt_ingestion date of a run; defaults to today in UTC. */
  date?: () => string | Promise<string>;
  /** Called after each stream lands (for logs and tests). */
  onStream?: (connection: ConnectionIdentity, result: TableSyncResult) => void;
}

const todayUtc = () => utcDay(new Date());

export function directEngineRunSync(options: DirectEngineSyncOptions): RunSync {
  return async (connection, signal) => {
    const bucket: BucketRole = connection.role === 'backup' ? 'backup' : 'bronze';
    const date = await (options.date ?? todayUtc)();
    const streams = await options.streams(connection);
    let recordsSynced = 0;
    let bytesSynced = 0;
    for (const stream of streams) {
      signal.throwIfAborted();
      let result: TableSyncResult;
      try {
        result = await options.syncStream({ system: connection.system, role: connection.role, stream, date, bucket }, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new Error(`stream ${stream}: ${error instanceof Error ? error.message : String(error)}`);
      }
      recordsSynced += result.rows;
      bytesSynced += result.bytes;
      options.onStream?.(connection, result);
    }
    return { recordsSynced, bytesSynced };
  };
}
