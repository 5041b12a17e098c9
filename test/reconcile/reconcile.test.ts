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

const snapshot = async (bucket: string, prefix: string) =>
  (await listObjects(env.s3, bucket, prefix)).map((o) => `${o.key}|${o.size}|${o.etag}`);

test('primary missing 1 % of the backup rows and holding duplicates: exactly those rows reconciled', async () => {
  const date = '2024-08-01';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10_000 })]);
  await writeParquetPartition(env.s3, ref('bronze', date), [
    `${fiscalRowsSql({ from: 0, to: 10_000 })} WHERE i % 100 <> 7`,
    `${fiscalRowsSql({ from: 1010, to: 1060 })}`,
  ]);
  const primaryPrefix = partitionPrefix('acode', S, date);
  const before = {
    primary: await snapshot(env.buckets.bronze, primaryPrefix),
    backup: await snapshot(env.buckets.backup, primaryPrefix),
  };

  const activities = createReconcileActivities({ s3: env.s3 });
  const result = await activities.reconcilePartition({ system: 'acode', stream: S, date });
  const outPrefix = partitionPrefix('acode', S, date, 'reconciled');
  expect(result).toEqual({
    stream: S,
    gapsFound: 100,
    recordsReconciled: 100,
    duplicatesRemoved: 50,
    score: 100,
    location: `s3://${env.buckets.bronze}/${outPrefix}`,
  });

  const written = await listObjects(env.s3, env.buckets.bronze, outPrefix);
  expect(written.map((o) => o.key.slice(outPrefix.length))).toEqual(['_SUCCESS', `file_${S}_000.parquet`]);
  const dataKey = written[1].key;
  const [stats] = await queryObject(
    env.buckets.bronze,
    dataKey,
    `SELECT count(*) AS n, count(DISTINCT idpk) AS keys, min(idpk) AS lo, max(idpk) AS hi,
            count(*) FILTER (WHERE idpk % 100 = 7) AS gap_rows FROM t`,
  );
  expect(stats).toEqual({ n: '10000', keys: '10000', lo: '0', hi: '9999', gap_rows: '100' });
  const columns = await queryObject(env.buckets.bronze, dataKey, 'DESCRIBE t');
  expect(columns).toHaveLength(22);
  expect(columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(['idpk', '_airbyte_ab_id', '_airbyte_emitted_at']));
  const codecs = await queryObject(env.buckets.bronze, dataKey, 'SELECT DISTINCT compression FROM parquet_metadata($file)');
  expect(codecs).toEqual([{ compression: 'SNAPPY' }]);

  // Originals untouched.
  expect(await snapshot(env.buckets.bronze, primaryPrefix)).toEqual(before.primary);
  expect(await snapshot(env.buckets.backup, primaryPrefix)).toEqual(before.backup);

  // Idempotent: a retry gives the same answer and the same single output file.
  expect(await activities.reconcilePartition({ system: 'acode', stream: S, date })).toEqual(result);
  expect((await listObjects(env.s3, env.buckets.bronze, outPrefix)).map((o) => o.key)).toEqual(written.map((o) => o.key));
  expect(await snapshot(env.buckets.bronze, primaryPrefix)).toEqual(before.primary);
});

test('a stream missing from the primary entirely is taken whole from the backup', async () => {
  const date = '2024-08-02';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 300 })]);
  const result = await createReconcileActivities({ s3: env.s3 }).reconcilePartition({ system: 'acode', stream: S, date });
  expect(result).toMatchObject({ gapsFound: 300, recordsReconciled: 300, duplicatesRemoved: 0, score: 100 });
});

test('different schemas between primary and backup fail as schema_change naming the column', async () => {
  const date = '2024-08-03';
  await writeParquetPartition(env.s3, ref('backup', date), [fiscalRowsSql({ from: 0, to: 10, doubles: true })]);
  await writeParquetPartition(env.s3, ref('bronze', date), [fiscalRowsSql({ from: 0, to: 5 })]);
  const err = await createReconcileActivities({ s3: env.s3 })
    .reconcilePartition({ system: 'acode', stream: S, date })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('schema_change');
  expect(err.message).toContain('ACODE_Val_Total is DECIMAL(15,2) in primary, DOUBLE in backup');
  expect(await listObjects(env.s3, env.buckets.bronze, partitionPrefix('acode', S, date, 'reconciled'))).toEqual([]);
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
