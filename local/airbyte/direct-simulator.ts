/**
 * An Airbyte API simulator whose sync jobs write what Airbyte writes: each
 * connection's streams from its MySQL source into its bucket, in
 * destination-s3 0.3.x's Parquet shape (airbyte-s3-writer.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { MysqlSources } from '../../activities/mysql/mysql-sources';
import { airbyteS3Sync } from './airbyte-s3-writer';
import { ACODE_STREAMS, type BucketRole, type SystemName } from '../../config/pipelines';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import { directEngineRunSync } from './direct-engine-sync';
import { startAirbyteSimulator, type AirbyteSimulator, type SimulatedAuthConfig } from './simulator';

export function streamsOf(system: SystemName): string[] {
  return system === 'acode' ? ACODE_STREAMS.map((s) => s.name) : RADAR_TABLE_NAMES;
}

export function startDirectAirbyteSimulator(options: {
  sources: MysqlSources;
  s3: S3Client;
  buckets: Record<BucketRole, string>;
  port?: number;
  host?: string;
  auth?: SimulatedAuthConfig;
  workspaceId?: string;
}): Promise<AirbyteSimulator> {
  const deps = { sources: options.sources, s3: options.s3, buckets: options.buckets };
  return startAirbyteSimulator({
    port: options.port,
    host: options.host,
    auth: options.auth,
    workspaceId: options.workspaceId,
    runSync: directEngineRunSync({
      syncStream: (input, signal) => airbyteS3Sync(deps, input, signal),
      streams: (connection) => streamsOf(connection.system),
    }),
  });
}
