/**
 * syncTablesToS3 on the local MariaDB and S3: small Radar tables synced one
 * after another by one activity, each exactly as syncTableToS3 syncs it; a
 * table's failure is its answer and the others land; a retried attempt keeps
 * the tables an earlier attempt finished (its heartbeat details) and reads
 * only the rest.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createExtractActivities } from '../../activities/engine/extract';
import type { TableInBatch } from '../../activities/types';
import { SUCCESS_MARKER, partitionPrefix } from '../../config/pipelines';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { listKeys, parquetColumn, sorted } from '../scenarios/landed-data';

let db: MariaDbEnv;
let s3env: S3Env;
const base = { system: 'radar', role: 'primary', bucket: 'bronze' } as const;

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 10, radar: true }), startS3Env()]);
}, 180_000);
afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

/** The ids of a Radar table at the source. */
async function radarIds(table: string): Promise<string[]> {
  const [rows] = await db.sources.pool({ system: 'radar', role: 'primary' }).query(`SELECT CAST(id AS CHAR) AS k FROM \`${table}\``);
  return (rows as { k: string }[]).map((r) => r.k);
}

const activities = () => createExtractActivities({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets });

async function expectLandedExactly(table: string, date: string): Promise<void> {
  const prefix = partitionPrefix('radar', table, date);
  expect(await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).toContain(prefix + SUCCESS_MARKER);
  expect(sorted(await parquetColumn(s3env.s3, s3env.buckets.bronze, prefix, 'id'))).toEqual(sorted(await radarIds(table)));
}

test('three tables in one activity: each landed whole; a table that does not exist is its failure and the others go on', async () => {
  const date = '2024-06-01';
  const items = await activities().syncTablesToS3({ ...base, date, streams: ['store', 'no_such_table', 'product'] });
  expect(items.map((i) => i.stream)).toEqual(['store', 'no_such_table', 'product']);
  expect(items[1].result).toBeUndefined();
  expect(items[1].failure).toMatchObject({ type: expect.stringMatching(/^(schema_change|invalid_input)$/) });
  expect(items[1].failure!.message).toContain('no_such_table');
  expect(items[1].failure!.message.split('\n')).toHaveLength(1);
  for (const i of [0, 2]) {
    expect(items[i].failure).toBeUndefined();
    expect(items[i].result!.rows).toBe((await radarIds(items[i].stream)).length);
    await expectLandedExactly(items[i].stream, date);
  }
});

test('a retried attempt keeps the tables its heartbeat details name as done and syncs only the rest', async () => {
  const date = '2024-06-02';
  const done: TableInBatch[] = [{ stream: 'store', result: { stream: 'store', rows: 1, files: 1, bytes: 1, durationMs: 1, location: 'kept' } }];
  const env = new MockActivityEnvironment({ heartbeatDetails: { batch: done } }, { logger: new DefaultLogger('ERROR') });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const items = (await env.run(activities().syncTablesToS3, { ...base, date, streams: ['store', 'product'] })) as TableInBatch[];
  expect(items[0]).toEqual(done[0]);
  expect(items[1].result?.stream).toBe('product');
  // store was not read again: no partition of it for this date
  expect(await listKeys(s3env.s3, s3env.buckets.bronze, partitionPrefix('radar', 'store', date))).toEqual([]);
  await expectLandedExactly('product', date);
  expect(heartbeats.at(-1)).toEqual({ batch: items });
});

test('streams that are not a list of names: a clear error', async () => {
  await expect(activities().syncTablesToS3({ ...base, date: '2024-06-03', streams: 'store' as never })).rejects.toThrow(
    'syncTablesToS3: streams must be a list of table names, got "store"',
  );
});
