import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { createParquetActivities } from '../../activities/parquet/parquet';
import { ACODE_FISCAL_TABLE, partitionFileName, partitionPrefix } from '../../config/pipelines';
import type { PartitionRef } from '../../activities/types';
import { fiscalRowsSql, writeParquetPartition } from './parquet-fixtures';

let env: S3Env;
beforeAll(async () => {
  env = await startS3Env();
});
afterAll(() => env.shutdown());

const ref = (date: string): PartitionRef => ({ bucket: 'bronze', system: 'acode', stream: ACODE_FISCAL_TABLE, date });

test('inspects every file of a DuckDB-written SNAPPY partition: rows, schema, nulls, min/max', async () => {
  const r = ref('2024-02-01');
  await writeParquetPartition(env.s3, r, [
    fiscalRowsSql({ from: 0, to: 3000, nullCnpjEvery: 10 }),
    fiscalRowsSql({ from: 3000, to: 5000, nullCnpjEvery: 10 }),
  ]);
  const got = await createParquetActivities({ s3: env.s3 }).inspectPartition(r);
  expect(got.files).toBe(2);
  expect(got.rows).toBe(5000);
  const types = Object.fromEntries(got.schema.map((c) => [c.name, c.type]));
  expect(got.schema).toHaveLength(23);
  expect(types).toMatchObject({
    idpk: 'BIGINT',
    ACODE_Val_Total: 'DOUBLE',
    CNPJ: 'VARCHAR',
    Data: 'STRUCT(member0 DATE, member1 VARCHAR)',
    _airbyte_ab_id: 'VARCHAR',
    _airbyte_emitted_at: 'TIMESTAMP WITH TIME ZONE',
    _airbyte_additional_properties: 'MAP(VARCHAR, VARCHAR)',
  });
  expect(got.columns.CNPJ.nulls).toBe(500);
  expect(got.columns.idpk).toEqual({ nulls: 0, min: 0, max: 4999 });
  expect(got.columns.ACODE_Val_Total).toMatchObject({ nulls: 0, min: 0.5, max: 999.5 });
  expect(got.columns['Data, member0']).toMatchObject({ min: '2024-01-01', max: '2024-01-28' });
});

test('a partition in the typed shape is not the declared airbyte-s3-v0 schema: schema_change naming file and column', async () => {
  const r = ref('2024-02-02');
  const [key] = await writeParquetPartition(env.s3, r, [fiscalRowsSql({ from: 10, to: 110, typed: true })]);
  const err = await createParquetActivities({ s3: env.s3 }).inspectPartition(r).catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('schema_change');
  expect(err.nonRetryable).toBe(true);
  expect(err.message).toContain(`s3://${env.buckets.bronze}/${key}`);
  expect(err.message).toContain('column ACODE_Val_Total: declared DOUBLE, found DECIMAL(15,2)');
  expect(err.message).toContain('column Data: declared group{member0: DATE, member1: STRING}, found DATE');
});

test('a corrupted Parquet file fails as data_corruption naming its key', async () => {
  const r = ref('2024-02-03');
  await writeParquetPartition(env.s3, r, [fiscalRowsSql({ from: 0, to: 50 })]);
  const badKey = partitionPrefix('acode', ACODE_FISCAL_TABLE, r.date) + partitionFileName('acode', ACODE_FISCAL_TABLE, 1);
  await env.s3.send(
    new PutObjectCommand({ Bucket: env.buckets.bronze, Key: badKey, Body: Buffer.from('PAR1 this is not really parquet at all') }),
  );
  const err = await createParquetActivities({ s3: env.s3 }).inspectPartition(r).catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('data_corruption');
  expect(err.nonRetryable).toBe(true);
  expect(err.message).toContain(`s3://${env.buckets.bronze}/${badKey}`);
  expect(err.message.split('\n')).toHaveLength(1);
});

test('an empty partition inspects as zero files and rows', async () => {
  const got = await createParquetActivities({ s3: env.s3 }).inspectPartition(ref('2024-02-04'));
  expect(got).toEqual({ rows: 0, files: 0, schema: [], columns: {} });
});
