import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { createReconcileActivities } from '../../activities/quality/reconcile';
import { listObjects } from '../../activities/s3/s3';
import { openDuckDB, sqlString } from '../../activities/parquet/duckdb-session';
import { withTempDir } from '../../activities/s3/s3-download';
import { ACODE_FISCAL_TABLE, partitionPrefix } from '../../config/pipelines';
import type { PartitionRef } from '../../activities/types';
import { fiscalRowsSql, writeParquetPartition } from '../s3/parquet-fixtures';

let env: S3Env;
beforeAll(async () => {
  env = await startS3Env();
});
afterAll(() => env.shutdown());

const S = ACODE_FISCAL_TABLE;
const ref = (bucket: 'bronze' | 'backup', date: string): PartitionRef => ({ bucket, system: 'acode', stream: S, date });

/** Reads a Parquet object back and returns DuckDB's answer to `sql` over it (view `t`, path `$file`). */
async function queryObject(bucket: string, key: string, sql: string) {
  return withTempDir('reconcile-check', async (dir) => {
    const got = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const path = join(dir, 'out.parquet');
    await writeFile(path, await got.Body!.transformToByteArray());
    const db = await openDuckDB(dir);
    try {
      await db.run(`CREATE VIEW t AS SELECT * FROM read_parquet(${sqlString(path)})`);
      return await db.rows(sql.replace('$file', sqlString(path)));
    } finally {
      db.close();
    }
  });
}

async function readObject(bucket: string, key: string): Promise<Buffer> {
  const got = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const snapshot = async (bucket: string, prefix: string) =>
  (await listObjects(env.s3, bucket, prefix)).map((o) => `${o.key}|${o.size}|${o.etag}`);

test('primary missing 1 % of the backup rows and holding duplicates: the day lands complete where readers read, originals kept first', async () => {
  const date = '2024-08-01';
  const recovery = 'recovery-acode-primary_db_down-2024-08-01';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10_000 })]);
  await writeParquetPartition(env.s3, ref('bronze', date), [
    `${fiscalRowsSql({ from: 0, to: 10_000 })} WHERE i % 100 <> 7`,
    `${fiscalRowsSql({ from: 1010, to: 1060 })}`,
  ]);
  const primaryPrefix = partitionPrefix('acode', S, date);
  const originals = new Map<string, Buffer>();
  for (const o of await listObjects(env.s3, env.buckets.bronze, primaryPrefix)) originals.set(o.key, await readObject(env.buckets.bronze, o.key));
  const backupBefore = await snapshot(env.buckets.backup, primaryPrefix);

  const activities = createReconcileActivities({ s3: env.s3 });
  const result = await activities.reconcilePartition({ system: 'acode', stream: S, date, recovery });
  expect(result).toEqual({
    stream: S,
    gapsFound: 100,
    recordsReconciled: 100,
    duplicatesRemoved: 50,
    score: 100,
    location: `s3://${env.buckets.bronze}/${primaryPrefix}`,
  });

  // the origin=airbyte partition: one file in the declared layout, the manifest, _SUCCESS last
  const written = await listObjects(env.s3, env.buckets.bronze, primaryPrefix);
  expect(written.map((o) => o.key.slice(primaryPrefix.length)).sort()).toEqual(['_MANIFEST.json', '_SUCCESS', `file_${S}_001.parquet`]);
  const marker = written.find((o) => o.key.endsWith('_SUCCESS'))!;
  for (const o of written) expect(o.lastModified.getTime()).toBeLessThanOrEqual(marker.lastModified.getTime());
  const dataKey = `${primaryPrefix}file_${S}_001.parquet`;
  const [stats] = await queryObject(
    env.buckets.bronze,
    dataKey,
    `SELECT count(*) AS n, count(DISTINCT idpk) AS keys, min(idpk) AS lo, max(idpk) AS hi,
            count(*) FILTER (WHERE idpk % 100 = 7) AS gap_rows FROM t`,
  );
  expect(stats).toEqual({ n: '10000', keys: '10000', lo: '0', hi: '9999', gap_rows: '100' });
  const columns = await queryObject(env.buckets.bronze, dataKey, 'DESCRIBE t');
  expect(columns).toHaveLength(23);
  expect(columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(['idpk', '_airbyte_ab_id', '_airbyte_emitted_at']));
  // the declared lake schema, read back by DuckDB's parquet_schema: Airbyte's metadata and types
  const elements = await queryObject(env.buckets.bronze, dataKey, 'SELECT name, type, logical_type FROM parquet_schema($file)');
  const element = (name: string) => elements.find((e) => e.name === name);
  expect(elements[1].name).toBe('_airbyte_ab_id');
  expect(element('_airbyte_emitted_at')).toMatchObject({ type: 'INT64', logical_type: expect.stringMatching(/isAdjustedToUTC=1.*MILLIS=MilliSeconds/) });
  expect(element('ACODE_Val_Total')).toMatchObject({ type: 'DOUBLE' });
  expect(elements[elements.length - 4].name).toBe('_airbyte_additional_properties');
  const codecs = await queryObject(env.buckets.bronze, dataKey, 'SELECT DISTINCT compression FROM parquet_metadata($file)');
  expect(codecs).toEqual([{ compression: 'SNAPPY' }]);

  // the manifest names the sources and the recovery
  const manifest = JSON.parse((await readObject(env.buckets.bronze, `${primaryPrefix}_MANIFEST.json`)).toString('utf8'));
  expect(manifest).toMatchObject({
    writtenBy: 'reconciliation',
    recovery,
    shape: 'airbyte-s3-v0',
    rows: 10_000,
    sources: [
      { role: 'primary', location: `s3://${env.buckets.bronze}/${primaryPrefix}`, files: 2, rows: 9_900 },
      { role: 'backup', location: `s3://${env.buckets.backup}/${primaryPrefix}`, files: 1, rows: 100 },
    ],
    result,
  });

  // every original object kept byte for byte in quarantine before it was replaced; the backup untouched
  const keptAt = manifest.keptOriginalsAt as string;
  expect(keptAt).toMatch(new RegExp(`^s3://${env.buckets.quarantine}/acode-20240801/replaced/${recovery}-\\d{8}T\\d{6}Z/${primaryPrefix}$`));
  const keptPrefix = keptAt.slice(`s3://${env.buckets.quarantine}/`.length, -primaryPrefix.length);
  for (const [key, body] of originals) expect((await readObject(env.buckets.quarantine, keptPrefix + key)).equals(body)).toBe(true);
  expect((await listObjects(env.s3, env.buckets.quarantine, keptPrefix)).length).toBe(originals.size);
  expect(await snapshot(env.buckets.backup, primaryPrefix)).toEqual(backupBefore);

  // Idempotent: a retry of the finished run gives the same answer and leaves the partition as it is.
  const after = await snapshot(env.buckets.bronze, primaryPrefix);
  expect(await activities.reconcilePartition({ system: 'acode', stream: S, date, recovery })).toEqual(result);
  expect(await snapshot(env.buckets.bronze, primaryPrefix)).toEqual(after);
});

test('a complete primary partition that lacks nothing is left as its sync wrote it', async () => {
  const date = '2024-08-06';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 200 })]);
  await writeParquetPartition(env.s3, ref('bronze', date), [fiscalRowsSql({ from: 0, to: 200 })]);
  const before = await snapshot(env.buckets.bronze, partitionPrefix('acode', S, date));
  const result = await createReconcileActivities({ s3: env.s3 }).reconcilePartition({ system: 'acode', stream: S, date });
  expect(result).toMatchObject({ gapsFound: 0, duplicatesRemoved: 0, score: 100 });
  expect(await snapshot(env.buckets.bronze, partitionPrefix('acode', S, date))).toEqual(before);
});

test('a stream missing from the primary entirely is taken whole from the backup', async () => {
  const date = '2024-08-02';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 300 })]);
  const result = await createReconcileActivities({ s3: env.s3 }).reconcilePartition({ system: 'acode', stream: S, date });
  expect(result).toMatchObject({ gapsFound: 300, recordsReconciled: 300, duplicatesRemoved: 0, score: 100 });
});

test('a backup partition off the declared schema fails as schema_change naming its file and column', async () => {
  const date = '2024-08-03';
  const [backupKey] = await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10, typed: true })]);
  await writeParquetPartition(env.s3, ref('bronze', date), [fiscalRowsSql({ from: 0, to: 5 })]);
  const err = await createReconcileActivities({ s3: env.s3 })
    .reconcilePartition({ system: 'acode', stream: S, date })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('schema_change');
  expect(err.message).toContain(`s3://${env.buckets.backup}/${backupKey}`);
  expect(err.message).toContain('column ACODE_Val_Total: declared DOUBLE, found DECIMAL(15,2)');
  // nothing replaced: the primary partition still holds what it held
  expect((await listObjects(env.s3, env.buckets.bronze, partitionPrefix('acode', S, date))).map((o) => o.key.split('/').pop()).sort()).toEqual([
    '_SUCCESS',
    `file_${S}_000.parquet`,
  ]);
});

test('primary and backup that agree with each other but not with the declared schema are refused too', async () => {
  const date = '2024-08-05';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10, typed: true })]);
  const [primaryKey] = await writeParquetPartition(env.s3, ref('bronze', date), [fiscalRowsSql({ from: 0, to: 5, typed: true })]);
  const err = await createReconcileActivities({ s3: env.s3 })
    .reconcilePartition({ system: 'acode', stream: S, date })
    .catch((e) => e);
  expect(err.type).toBe('schema_change');
  expect(err.message).toContain(`s3://${env.buckets.bronze}/${primaryKey}`);
  expect(err.message).toContain('column Data: declared group{member0: DATE, member1: STRING}, found DATE');
});

test('an unfinished backup partition (no _SUCCESS) is not read', async () => {
  const date = '2024-08-04';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10 })], { marker: false });
  const err = await createReconcileActivities({ s3: env.s3 })
    .reconcilePartition({ system: 'acode', stream: S, date })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.message).toMatch(/has no _SUCCESS marker/);
});
