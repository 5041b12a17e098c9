import { ApplicationFailure } from '@temporalio/common';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { createQualityActivities } from '../../activities/quality/quality';
import { ACODE_COMPLEMENT_TABLE, ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE } from '../../config/pipelines';
import type { PartitionRef, QualityReport } from '../../activities/types';
import { fiscalRowsSql, productRowsSql, writeParquetPartition } from '../s3/parquet-fixtures';

let env: S3Env;
beforeAll(async () => {
  env = await startS3Env();
});
afterAll(() => env.shutdown());

const acode = (stream: string, date: string): PartitionRef => ({ bucket: 'bronze', system: 'acode', stream, date });
const complementSql = (n: number) => `SELECT i::BIGINT AS idpk, '<nfe/>' AS xml FROM range(${n}) t(i)`;
const check = (report: QualityReport, name: string) => {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${report.checks.map((c) => c.name).join(', ')}`);
  return found;
};

async function landAcode(date: string, fiscal: string[], eans = 50) {
  await writeParquetPartition(env.s3, acode(ACODE_FISCAL_TABLE, date), fiscal);
  await writeParquetPartition(env.s3, acode(ACODE_PRODUCTS_TABLE, date), [productRowsSql(eans)]);
  await writeParquetPartition(env.s3, acode(ACODE_COMPLEMENT_TABLE, date), [complementSql(300)]);
}

test('a clean ACODE partition passes every gate with score > 95', async () => {
  await writeParquetPartition(env.s3, acode(ACODE_FISCAL_TABLE, '2024-03-09'), [fiscalRowsSql({ from: 0, to: 4800 })]);
  await landAcode('2024-03-10', [fiscalRowsSql({ from: 0, to: 3000 }), fiscalRowsSql({ from: 3000, to: 5000 })]);
  const report = await createQualityActivities({ s3: env.s3 }).runQualityGates({
    bucket: 'bronze',
    system: 'acode',
    date: '2024-03-10',
    sourceRowCounts: { [ACODE_FISCAL_TABLE]: 5000, [ACODE_PRODUCTS_TABLE]: 50, [ACODE_COMPLEMENT_TABLE]: 300 },
  });
  expect(report.checks.filter((c) => !c.passed)).toEqual([]);
  expect(report.passed).toBe(true);
  expect(report.score).toBeGreaterThan(95);
  expect(check(report, `${ACODE_FISCAL_TABLE}.volume_change`)).toMatchObject({ level: 'ok' });
  expect(check(report, `${ACODE_FISCAL_TABLE}.volume_change`).detail).toContain('5000 rows vs 4800');
  expect(check(report, `${ACODE_FISCAL_TABLE}.required_columns`).passed).toBe(true);
  expect(check(report, `${ACODE_PRODUCTS_TABLE}.duplicate_keys`).passed).toBe(true);
});

test('20 % NULL CNPJ, duplicate keys, outliers and missing EANs fail exactly those gates', async () => {
  await landAcode(
    '2024-03-20',
    [
      fiscalRowsSql({ from: 0, to: 2000, nullCnpjEvery: 5, outlierEvery: 20, eanCount: 60 }),
      fiscalRowsSql({ from: 0, to: 100, nullCnpjEvery: 5, eanCount: 60 }),
    ],
    50,
  );
  const report = await createQualityActivities({ s3: env.s3 }).runQualityGates({
    bucket: 'bronze',
    system: 'acode',
    date: '2024-03-20',
    sourceRowCounts: { [ACODE_FISCAL_TABLE]: 2100, [ACODE_PRODUCTS_TABLE]: 50, [ACODE_COMPLEMENT_TABLE]: 300 },
  });
  const failed = report.checks.filter((c) => !c.passed).map((c) => c.name).sort();
  expect(failed).toEqual(
    [`nulls.CNPJ`, `duplicate_keys`, `outliers`, `eans_in_products`].map((n) => `${ACODE_FISCAL_TABLE}.${n}`).sort(),
  );
  expect(report.passed).toBe(false);
  expect(check(report, `${ACODE_FISCAL_TABLE}.nulls.CNPJ`).detail).toBe('420 of 2100 rows NULL (20.00 %, tolerance 5.00 %)');
  expect(check(report, `${ACODE_FISCAL_TABLE}.duplicate_keys`).detail).toContain('100 duplicate rows on idpk');
  expect(check(report, `${ACODE_FISCAL_TABLE}.eans_in_products`).detail).toContain('10 of 60 distinct EANs missing');
  expect(check(report, `${ACODE_FISCAL_TABLE}.outliers`).detail).toMatch(/^100 rows with ACODE_Val_Total > 100000, \d+ rows < 0/);
  expect(check(report, `${ACODE_FISCAL_TABLE}.nulls.idpk`).passed).toBe(true);
  expect(check(report, `${ACODE_FISCAL_TABLE}.nulls.EAN`).passed).toBe(true);
});

test('Radar: generic gates — missing _SUCCESS, short row count, duplicate ids, volume warning', async () => {
  const radar = (stream: string, date: string): PartitionRef => ({ bucket: 'bronze', system: 'radar', stream, date });
  const storeSql = (from: number, to: number) => `SELECT i::BIGINT AS id, 'Loja ' || i AS name FROM range(${from}, ${to}) t(i)`;
  await writeParquetPartition(env.s3, radar('store', '2024-04-01'), [storeSql(0, 1000)]);
  await writeParquetPartition(env.s3, radar('store', '2024-04-02'), [storeSql(0, 500), storeSql(490, 500)]);
  await writeParquetPartition(env.s3, radar('product', '2024-04-02'), [storeSql(0, 10)], { marker: false });
  const report = await createQualityActivities({ s3: env.s3 }).runQualityGates({
    bucket: 'bronze',
    system: 'radar',
    date: '2024-04-02',
    sourceRowCounts: { store: 510, product: 20 },
  });
  expect(report.checks.filter((c) => !c.passed).map((c) => c.name).sort()).toEqual(
    ['product.files_present', 'product.row_count', 'store.duplicate_keys'].sort(),
  );
  expect(check(report, 'store.volume_change')).toMatchObject({ passed: true, level: 'warning' });
  expect(check(report, 'store.row_count').passed).toBe(true);
  expect(report.passed).toBe(false);
});

test('bad input is rejected with one line naming the field', async () => {
  const gates = createQualityActivities({ s3: env.s3 });
  const err = await gates
    .runQualityGates({ bucket: 'bronze', system: 'radar', date: '2024-04-02', sourceRowCounts: { store: -1 } })
    .catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('invalid_input');
  expect(err.message).toBe('runQualityGates: sourceRowCounts.store must be a non-negative integer, got -1');
});
