/**
 * The parquetjs-lite writer on ACODE's fiscal table: decimals land as numbers
 * (DOUBLE, exact for their 15 digits), so numeric readers and the quality
 * gates see the same values as the source.
 */
import { promises as fs } from 'node:fs';
import type { RowDataPacket } from 'mysql2/promise';
import { ACODE_FISCAL_COLUMNS, ACODE_FISCAL_TABLE, partitionPrefix } from '../../config/pipelines';
import { syncTable } from '../../activities/engine/extract-engine';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { downloadParquetFiles, readParquetAsText } from './partition-reader';

let db: MariaDbEnv;
let s3env: S3Env;
const DATE = '2024-03-06';
const primary = { system: 'acode', role: 'primary' } as const;
const DECIMALS = ACODE_FISCAL_COLUMNS.filter((c) => c.type.kind === 'decimal').map((c) => c.name);

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 1500, radar: false }), startS3Env()]);
}, 180_000);

afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

it('writes fiscal decimals as DOUBLE holding exactly the source values', async () => {
  const input = { ...primary, stream: ACODE_FISCAL_TABLE, date: DATE, bucket: 'bronze' as const };
  const result = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, input, { writer: 'parquetjs' });
  const columns = ['idpk', ...DECIMALS];
  const [rows] = await db.sources
    .pool(primary)
    .query<RowDataPacket[]>({ sql: `SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM \`${ACODE_FISCAL_TABLE}\` ORDER BY idpk`, rowsAsArray: true });
  const source = (rows as unknown as unknown[][]).map((r) => r.map((v) => (v === null ? null : Number(v))));
  expect(result.rows).toBe(source.length);

  const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', ACODE_FISCAL_TABLE, DATE));
  try {
    const landed = await readParquetAsText(files, columns, 'idpk');
    for (const name of DECIMALS) expect(landed.schema.find((c) => c.name === name)?.physical).toBe('DOUBLE');
    const asNumbers = landed.rows.map((r) => r.map((v) => (v === null ? null : Number(v))));
    expect(asNumbers).toEqual(source);
    expect(source.some((r) => r.some((v) => v !== null && !Number.isInteger(v)))).toBe(true);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 120_000);
