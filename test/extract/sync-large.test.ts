/**
 * A larger fiscal table through the direct engine: files rolled at a row
 * bound whose union is the source, a multipart upload cut mid-way, a
 * cancelled sync and a primary killed mid-extract.
 */
import { ApplicationFailure } from '@temporalio/common';
import { promises as fs } from 'node:fs';
import type { RowDataPacket } from 'mysql2/promise';
import { ACODE_FISCAL_TABLE, partitionPrefix } from '../../config/pipelines';
import { syncTable } from '../../activities/engine/extract-engine';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { downloadParquetFiles, listKeys, readParquetAsText } from './partition-reader';

const ROWS = 200_000;
let db: MariaDbEnv;
let s3env: S3Env;
const primary = { system: 'acode', role: 'primary' } as const;
const input = (date: string) => ({ ...primary, stream: ACODE_FISCAL_TABLE, date, bucket: 'bronze' as const });
const keysOf = async (date: string) =>
  (await listKeys(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_FISCAL_TABLE, date))).map((o) => o.key);

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: ROWS, radar: false }), startS3Env({ faults: true })]);
}, 300_000);

afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

it('rolls files at the row bound; their union is exactly the source', async () => {
  const progress: number[] = [];
  const result = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input('2024-04-01'), {
    maxRowsPerFile: 60_000,
    onProgress: (p) => progress.push(p.rows),
  });
  expect(result).toMatchObject({ rows: ROWS, files: 4 });
  expect(progress.length).toBeGreaterThan(10);
  expect(progress[progress.length - 1]).toBe(ROWS);
  const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_FISCAL_TABLE, '2024-04-01'));
  try {
    const landed = await readParquetAsText(files, ['idpk', 'ACODE_Val_Total'], 'idpk');
    expect(landed.perFile).toEqual([60_000, 60_000, 60_000, 20_000]);
    const [source] = await db.sources
      .pool(primary)
      .query<RowDataPacket[]>({ sql: `SELECT idpk, ACODE_Val_Total FROM ${ACODE_FISCAL_TABLE} ORDER BY idpk`, rowsAsArray: true });
    // airbyte-s3-v0 holds decimals as DOUBLE: the same numbers, within a double's precision
    const asNumbers = (rows: unknown[][]) => rows.map((r) => r.map((v) => (v === null ? null : Number(v))));
    expect(asNumbers(landed.rows)).toEqual(asNumbers(source as unknown as unknown[][]));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 300_000);

it('aborts a multipart upload cut mid-way: no object, no _SUCCESS', async () => {
  s3env.proxy!.clear();
  s3env.proxy!.dropUploadAfterParts(1);
  const failure = await syncTable({ sources: db.sources, s3: s3env.faultyS3!, buckets: s3env.buckets }, input('2024-04-02'), {
    uploadPartSizeBytes: 5 * 1024 * 1024,
  }).catch((e) => e);
  const dropped = s3env.proxy!.count('UploadPart', 'dropped');
  s3env.proxy!.clear();
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(dropped).toBeGreaterThan(0);
  expect(await keysOf('2024-04-02')).toEqual([]);
});

it('stops on cancellation: no _SUCCESS, the signal reason is thrown', async () => {
  const controller = new AbortController();
  const reason = new Error('cancelled by test');
  const failure = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input('2024-04-03'), {
    maxRowsPerFile: 50_000,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.rows >= 60_000) controller.abort(reason);
    },
  }).catch((e) => e);
  expect(failure).toBe(reason);
  expect((await keysOf('2024-04-03')).filter((k) => k.endsWith('_SUCCESS'))).toEqual([]);
});

it('fails as primary_db_down when the primary dies mid-extract, with no _SUCCESS', async () => {
  let stopping: Promise<void> | undefined;
  const failure = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input('2024-04-04'), {
    batchRows: 1000,
    onProgress: (p) => {
      if (p.rows >= 2000 && !stopping) stopping = db.pair.stopPrimary();
    },
  }).catch((e) => e);
  await stopping;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure.type).toBe('primary_db_down');
  expect(failure.message).toContain('acode/primary');
  expect(failure.message).not.toContain(process.env.ACODE_PASS ?? 'no password set');
  expect(await keysOf('2024-04-04')).toEqual([]);
});
