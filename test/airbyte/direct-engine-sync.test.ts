/**
 * The simulator wired to the direct engine, end to end: an Airbyte sync of a
 * connection lands every ACODE stream from a real MariaDB into the local S3,
 * the job reports the records written, and the backup connection writes to the
 * backup bucket from the replica.
 */
import { ACODE_STREAMS, partitionPrefix, SUCCESS_MARKER } from '../../config/pipelines';
import { createAirbyteActivities } from '../../activities/airbyte/airbyte';
import { syncTable } from '../../activities/engine/extract-engine';
import type { TableSyncResult } from '../../activities/types';
import { directEngineRunSync } from '../../local/airbyte/direct-engine-sync';
import { startAirbyteSimulator, type AirbyteSimulator } from '../../local/airbyte/simulator';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { listKeys } from '../extract/partition-reader';

const DATE = '2024-03-05';
let db: MariaDbEnv;
let s3env: S3Env;
let sim: AirbyteSimulator;
const landed: TableSyncResult[] = [];

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 400, radar: false }), startS3Env()]);
  sim = await startAirbyteSimulator({
    runSync: directEngineRunSync({
      syncStream: (input, signal) => syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input, { signal }),
      streams: () => ACODE_STREAMS.map((s) => s.name),
      date: () => DATE,
      onStream: (_connection, result) => landed.push(result),
    }),
  });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await s3env?.shutdown();
  await db?.close();
});

test('an Airbyte sync of the primary connection lands every ACODE stream, _SUCCESS included', async () => {
  const airbyte = createAirbyteActivities({ baseUrl: sim.url, workspaceId: sim.registry.workspace.workspaceId });
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: 'connection_mysql_s3_acode' });
  const result = await airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 50, timeoutMs: 120_000 });

  const expectedRows = ACODE_STREAMS.reduce((sum, s) => sum + db.acode.rowCounts[s.name], 0);
  expect(expectedRows).toBeGreaterThan(400);
  expect(result).toMatchObject({ jobId, status: 'succeeded', rowsSynced: expectedRows });
  expect(result.bytesSynced).toBe(landed.reduce((sum, r) => sum + r.bytes, 0));
  for (const stream of ACODE_STREAMS) {
    const keys = (await listKeys(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', stream.name, DATE))).map((o) => o.key);
    expect(keys).toContain(`${partitionPrefix('acode', stream.name, DATE)}${SUCCESS_MARKER}`);
    expect(keys.some((k) => k.endsWith('.parquet'))).toBe(true);
  }
}, 120_000);

test('the backup connection, once active, syncs from the replica into the backup bucket', async () => {
  const airbyte = createAirbyteActivities({ baseUrl: sim.url, workspaceId: sim.registry.workspace.workspaceId });
  await airbyte.setConnectionStatus({ connectionName: 'connection_mysql_s3_acode_backup', status: 'active' });
  const { jobId } = await airbyte.triggerAirbyteSync({ connectionName: 'connection_mysql_s3_acode_backup' });
  const result = await airbyte.waitForAirbyteJob({ jobId, pollIntervalMs: 50, timeoutMs: 120_000 });
  expect(result.status).toBe('succeeded');
  expect(result.rowsSynced).toBe(ACODE_STREAMS.reduce((sum, s) => sum + db.acode.rowCounts[s.name], 0));
  const prefix = partitionPrefix('acode', ACODE_STREAMS[0].name, DATE);
  const keys = (await listKeys(s3env.s3, s3env.buckets.backup, prefix)).map((o) => o.key);
  expect(keys).toContain(`${prefix}${SUCCESS_MARKER}`);
}, 120_000);
