/**
 * The direct sync of ACODE's tables against a real MariaDB and a local S3,
 * read back with a separate DuckDB reader and compared row by row with a
 * SELECT from the source.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { promises as fs } from 'node:fs';
import type { RowDataPacket } from 'mysql2/promise';
import {
  ACODE_COMPLEMENT_TABLE,
  ACODE_FISCAL_COLUMNS,
  ACODE_FISCAL_TABLE,
  ACODE_PRODUCTS_COLUMNS,
  ACODE_PRODUCTS_TABLE,
  partitionPrefix,
} from '../../config/pipelines';
import { createExtractActivities } from '../../activities/engine/extract';
import { syncTable } from '../../activities/engine/extract-engine';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { downloadParquetFiles, listKeys, readParquetAsText } from './partition-reader';

let db: MariaDbEnv;
let s3env: S3Env;
const DATE = '2024-03-05';
const primary = { system: 'acode', role: 'primary' } as const;
const BIG_IDPK = '9007199254740993'; // above 2^53: only exact if kept as INT64 end to end
const LONG_NAME = ('Farmácia São João — "Ltda", filial ç\nlinha nova; ' + 'ü'.repeat(255)).slice(0, 255);

async function sourceRowsAsText(table: string, columns: string[], orderBy: string): Promise<(string | null)[][]> {
  const [rows] = await db.sources
    .pool(primary)
    .query<RowDataPacket[]>({ sql: `SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\` ORDER BY \`${orderBy}\``, rowsAsArray: true });
  return (rows as unknown as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))));
}

async function admin(sql: string, params: unknown[] = []): Promise<void> {
  await db.pair.primary.withAdmin((conn) => conn.query(sql, params).then(() => undefined), 'acode_farmarcas');
}

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 3000, radar: false }), startS3Env({ faults: true })]);
  await admin(
    `INSERT INTO ${ACODE_FISCAL_TABLE} (idpk) VALUES (9000001)`, // every nullable column NULL
  );
  await admin(
    `INSERT INTO ${ACODE_FISCAL_TABLE} (idpk, ACODE_Val_Total, CNPJ, CNPJ_Fornecedor, Data, Data_Processamento, EAN, Fornecedor, NF_Numero, Qtd_Trib, Val_Prod, Val_Trib, CFOP, NCM, CST, Aliquota_ICMS, Valor_ICMS, IPI, ST, STRet)
     VALUES (${BIG_IDPK}, 9999999999999.99, '', '12.345.678/0001-95', '1969-12-31', '1999-12-31 23:59:59', '7891234567895', ?,
             2147483647, -0.0001, -0.01, 0.00, -2147483648, 30049099, '060', 999.99, 0.01, NULL, -9999999999999.99, 1.10)`,
    [LONG_NAME],
  );
}, 180_000);

afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

describe('syncTableToS3 (direct engine, DuckDB writer)', () => {
  it('lands every row of the fiscal table with exact values for every column type (typed shape)', async () => {
    const deps = { sources: db.sources, s3: s3env.s3, buckets: s3env.buckets };
    const result = await syncTable(deps, { ...primary, stream: ACODE_FISCAL_TABLE, date: DATE, bucket: 'bronze' }, { shape: 'typed' });
    const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, DATE);
    const columns = ACODE_FISCAL_COLUMNS.map((c) => c.name);
    const source = await sourceRowsAsText(ACODE_FISCAL_TABLE, columns, 'idpk');
    expect(source.length).toBe(3002);
    expect(result).toMatchObject({ stream: ACODE_FISCAL_TABLE, rows: 3002, files: 1, location: `s3://${s3env.buckets.bronze}/${prefix}` });

    const keys = (await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).map((o) => o.key).sort();
    expect(keys).toEqual([`${prefix}_SUCCESS`, `${prefix}file_${ACODE_FISCAL_TABLE}_001.parquet`]);
    const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, prefix);
    try {
      const landed = await readParquetAsText(files, columns, 'idpk', ['Data_Processamento']);
      expect(landed.rows.length).toBe(source.length);
      for (let i = 0; i < source.length; i++) expect(landed.rows[i]).toEqual(source[i]);
      const byName = Object.fromEntries(landed.schema.map((c) => [c.name, c]));
      expect(byName.idpk.physical).toBe('INT64');
      expect(byName.NF_Numero.physical).toBe('INT32');
      expect(byName.ACODE_Val_Total.logical).toMatch(/Decimal.*scale=2.*precision=15|DECIMAL/);
      expect(byName.Qtd_Trib.logical).toMatch(/scale=4/);
      expect(byName.Data.logical).toMatch(/Date|DATE/);
      expect(byName.Data_Processamento.logical).toMatch(/isAdjustedToUTC=1/);
      expect(byName.Fornecedor.logical).toMatch(/String|UTF8/);
      expect(byName._airbyte_ab_id.logical).toMatch(/String|UTF8/);
      expect(byName._airbyte_emitted_at.logical).toMatch(/isAdjustedToUTC=1/);
      const ids = await readParquetAsText(files, ['_airbyte_ab_id'], '_airbyte_ab_id');
      const idValues = ids.rows.map((r) => r[0]!);
      expect(new Set(idValues).size).toBe(3002);
      for (const id of idValues) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('writes _SUCCESS last, after every file upload', async () => {
    s3env.proxy!.clear();
    const before = s3env.proxy!.log.length;
    await syncTable(
      { sources: db.sources, s3: s3env.faultyS3!, buckets: s3env.buckets },
      { ...primary, stream: ACODE_FISCAL_TABLE, date: DATE, bucket: 'backup' },
      { maxRowsPerFile: 1000, batchRows: 250 },
    );
    const writes = s3env.proxy!.log.slice(before).filter((r) => r.operation === 'PutObject' || r.operation === 'CompleteMultipartUpload');
    expect(writes.length).toBe(5);
    const paths = writes.map((w) => w.path.split('?')[0]);
    expect(paths[paths.length - 1]).toMatch(/_SUCCESS$/);
    expect(paths.slice(0, -1).every((p) => /\.parquet$/.test(p))).toBe(true);
  });

  it('leaves no _SUCCESS and no partial object when an upload fails, and a retry lands exactly the source rows', async () => {
    const deps = { sources: db.sources, s3: s3env.faultyS3!, buckets: s3env.buckets };
    const input = { ...primary, stream: ACODE_FISCAL_TABLE, date: '2024-03-06', bucket: 'bronze' as const };
    const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, input.date);
    s3env.proxy!.clear();
    s3env.proxy!.failNext(5, { operations: ['PutObject'], skip: 1, status: 500 });
    const failure = await syncTable(deps, input, { maxRowsPerFile: 1000, batchRows: 250 }).catch((e) => e);
    s3env.proxy!.clear();
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toContain(`s3://${s3env.buckets.bronze}/${prefix}file_`);
    const afterFailure = (await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).map((o) => o.key);
    expect(afterFailure).not.toContain(`${prefix}_SUCCESS`);
    expect(afterFailure.length).toBeLessThanOrEqual(1);
    if (afterFailure.length) {
      const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, prefix);
      expect((await readParquetAsText(files, ['idpk'], 'idpk')).rows.length).toBe(1000); // a whole file, never a part
      await fs.rm(dir, { recursive: true, force: true });
    }

    const retry = await syncTable(deps, input, { maxRowsPerFile: 1000, batchRows: 250 });
    expect(retry).toMatchObject({ rows: 3002, files: 4 });
    const keys = (await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).map((o) => o.key).sort();
    expect(keys).toEqual([
      `${prefix}_SUCCESS`,
      ...[1, 2, 3, 4].map((n) => `${prefix}file_${ACODE_FISCAL_TABLE}_00${n}.parquet`),
    ]);
    const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, prefix);
    try {
      const landed = await readParquetAsText(files, ['idpk'], 'idpk');
      expect(landed.perFile).toEqual([1000, 1000, 1000, 2]);
      expect(landed.rows).toEqual(await sourceRowsAsText(ACODE_FISCAL_TABLE, ['idpk'], 'idpk'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reruns a complete partition without losing it early: marker out first, files replaced in place, stale files deleted after the uploads', async () => {
    const input = { ...primary, stream: ACODE_FISCAL_TABLE, date: '2024-03-08', bucket: 'bronze' as const };
    const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, input.date);
    const file = (n: number) => `${prefix}file_${ACODE_FISCAL_TABLE}_00${n}.parquet`;
    const etags = async () => {
      const out = await s3env.s3.send(new ListObjectsV2Command({ Bucket: s3env.buckets.bronze, Prefix: prefix }));
      return Object.fromEntries((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
    };
    await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input, { maxRowsPerFile: 1000 });
    const previous = await etags();
    expect(Object.keys(previous).sort()).toEqual([`${prefix}_SUCCESS`, file(1), file(2), file(3), file(4)]);

    // rerun in files of 1500 rows (3 files); the second file's upload fails
    const deps = { sources: db.sources, s3: s3env.faultyS3!, buckets: s3env.buckets };
    s3env.proxy!.clear();
    const failStart = s3env.proxy!.log.length;
    s3env.proxy!.failNext(5, { operations: ['PutObject'], skip: 1 });
    const failure = await syncTable(deps, input, { maxRowsPerFile: 1500 }).catch((e) => e);
    const opsOf = (from: number) =>
      s3env.proxy!.log
        .slice(from)
        .map((r) => `${r.operation} ${r.path.split('?')[0].split('/').pop()}`)
        .filter((o) => /^(PutObject|CompleteMultipartUpload|DeleteObjects) /.test(o));
    const failedOps = opsOf(failStart);
    s3env.proxy!.clear();
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failedOps[0]).toBe('DeleteObjects '); // the marker, first
    expect(failedOps.slice(1).every((o) => o.startsWith('PutObject file_'))).toBe(true); // then uploads only
    const afterFailure = await etags();
    expect(Object.keys(afterFailure).sort()).toEqual([file(1), file(2), file(3), file(4)]); // no _SUCCESS, nothing deleted
    expect(afterFailure[file(1)]).not.toBe(previous[file(1)]); // replaced by the rerun
    for (const n of [2, 3, 4]) expect(afterFailure[file(n)]).toBe(previous[file(n)]); // the previous run's files, untouched

    const before = s3env.proxy!.log.length;
    const rerun = await syncTable(deps, input, { maxRowsPerFile: 1500 });
    expect(rerun).toMatchObject({ rows: 3002, files: 3 });
    expect(opsOf(before)).toEqual([
      ...[1, 2, 3].map((n) => `PutObject file_${ACODE_FISCAL_TABLE}_00${n}.parquet`),
      'DeleteObjects ', // file_004, not rewritten, only after every upload
      'PutObject _SUCCESS',
    ]);
    expect(Object.keys(await etags()).sort()).toEqual([`${prefix}_SUCCESS`, file(1), file(2), file(3)]);
    const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, prefix);
    try {
      const landed = await readParquetAsText(files, ['idpk'], 'idpk');
      expect(landed.perFile).toEqual([1500, 1500, 2]);
      expect(landed.rows).toEqual(await sourceRowsAsText(ACODE_FISCAL_TABLE, ['idpk'], 'idpk'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a source column the config does not know as schema_change, and writes nothing', async () => {
    await admin(`ALTER TABLE ${ACODE_FISCAL_TABLE} ADD COLUMN Lote VARCHAR(20) NULL`);
    try {
      const input = { ...primary, stream: ACODE_FISCAL_TABLE, date: '2024-03-07', bucket: 'bronze' as const };
      const failure = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input).catch((e) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('schema_change');
      expect(failure.message).toContain('unknown Lote');
      expect(await listKeys(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_FISCAL_TABLE, input.date))).toEqual([]);
    } finally {
      await admin(`ALTER TABLE ${ACODE_FISCAL_TABLE} DROP COLUMN Lote`);
    }
  });

  it('reports a source column whose type no longer maps to its declared lake type as schema_change, and writes nothing', async () => {
    await admin(`ALTER TABLE ${ACODE_FISCAL_TABLE} MODIFY Aliquota_ICMS VARCHAR(12) NULL`);
    try {
      const input = { ...primary, stream: ACODE_FISCAL_TABLE, date: '2024-03-21', bucket: 'bronze' as const };
      const failure = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input).catch((e) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('schema_change');
      expect(failure.message).toContain('column Aliquota_ICMS: declared DOUBLE, found STRING (source string)');
      expect(await listKeys(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_FISCAL_TABLE, input.date))).toEqual([]);
    } finally {
      await admin(`ALTER TABLE ${ACODE_FISCAL_TABLE} MODIFY Aliquota_ICMS DECIMAL(5,2) NULL`);
    }
  });

  it('carries every discovered column of a stream configured with no columns (complement table)', async () => {
    const [described] = await db.sources.pool(primary).query<RowDataPacket[]>(`SHOW COLUMNS FROM ${ACODE_COMPLEMENT_TABLE}`);
    const columns = described.map((r) => String(r.Field));
    const result = await syncTable(
      { sources: db.sources, s3: s3env.s3, buckets: s3env.buckets },
      { ...primary, stream: ACODE_COMPLEMENT_TABLE, date: DATE, bucket: 'bronze' },
      { shape: 'typed' },
    );
    const source = await sourceRowsAsText(ACODE_COMPLEMENT_TABLE, columns, 'idpk');
    expect(result.rows).toBe(source.length);
    const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_COMPLEMENT_TABLE, DATE));
    try {
      const datetimes = described.filter((r) => /datetime|timestamp/i.test(String(r.Type))).map((r) => String(r.Field));
      const landed = await readParquetAsText(files, columns, 'idpk', datetimes);
      // leaf columns: the metadata first, the map of additional properties (key, value) last
      expect(landed.schema.map((c) => c.name)).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', ...columns, 'key', 'value']);
      expect(landed.rows).toEqual(source);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a table name that is not an identifier before any SQL', async () => {
    const failure = await syncTable(
      { sources: db.sources, s3: s3env.s3, buckets: s3env.buckets },
      { ...primary, stream: 'x`; DROP TABLE y', date: DATE, bucket: 'bronze' },
    ).catch((e) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('invalid_input');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/invalid stream \(table name\)/);
  });
});

describe('syncTableToS3 with the parquetjs-lite writer', () => {
  it('writes files the independent reader reads with the source values', async () => {
    const input = { ...primary, stream: ACODE_PRODUCTS_TABLE, date: DATE, bucket: 'bronze' as const };
    const result = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input, { writer: 'parquetjs' });
    const columns = ACODE_PRODUCTS_COLUMNS.map((c) => c.name);
    const source = await sourceRowsAsText(ACODE_PRODUCTS_TABLE, columns, 'idpk');
    expect(result.rows).toBe(source.length);
    const prefix = partitionPrefix('acode', ACODE_PRODUCTS_TABLE, DATE);
    expect((await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).map((o) => o.key)).toContain(`${prefix}_SUCCESS`);
    const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, prefix);
    try {
      const landed = await readParquetAsText(files, columns, 'idpk');
      expect(landed.rows).toEqual(source);
      expect(landed.schema.find((c) => c.name === 'idpk')?.physical).toBe('INT64');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
