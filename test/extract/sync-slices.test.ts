/**
 * A table cut into key slices: read at once by several connections in one
 * sync, resumed slice by slice, or planned into slices that separate
 * activities read and a finish completes. Every key of the bound lands
 * exactly once, the rows the source served stay at the table's size, and the
 * partition is complete only when every slice landed.
 */
import { ACODE_FISCAL_TABLE, FIRST_FILE_INDEX, SUCCESS_MARKER, partitionFileName, partitionPrefix } from '../../config/pipelines';
import { syncTable } from '../../activities/engine/extract-engine';
import { finishTableSync, planTableSync } from '../../activities/engine/extract-plan';
import type { SyncCheckpoint } from '../../activities/engine/extract-ranges';
import { rowsServedSinceLast } from '../../local/mariadb/table-statistics';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { listKeys, parquetColumn, sorted, sourceKeys } from '../scenarios/landed-data';

let db: MariaDbEnv;
let s3env: S3Env;
const ROWS = 5000;
const PER_FILE = 1000;
const base = { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, bucket: 'bronze' } as const;
const sliced = { maxRowsPerFile: PER_FILE, rangeConnections: 2, minRowsPerSlice: 1000 };

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: ROWS, radar: false }), startS3Env()]);
}, 180_000);
afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

/** Rows the primary served from the fiscal table since the last call (MariaDB's user statistics). */
const rowsServed = () => rowsServedSinceLast(db.pair.primary, ACODE_FISCAL_TABLE);

const deps = () => ({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets });
const fileKey = (date: string, slice: number, n: number) => partitionPrefix('acode', ACODE_FISCAL_TABLE, date) + partitionFileName('acode', ACODE_FISCAL_TABLE, FIRST_FILE_INDEX.acode + n, slice);

async function expectEveryKeyOnce(date: string): Promise<void> {
  const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, date);
  expect(sorted(await parquetColumn(s3env.s3, s3env.buckets.bronze, prefix))).toEqual(sorted(await sourceKeys(db.sources, 'primary', ACODE_FISCAL_TABLE)));
  const abIds = await parquetColumn(s3env.s3, s3env.buckets.bronze, prefix, '_airbyte_ab_id');
  expect(new Set(abIds).size).toBe(ROWS);
}

test('two connections read two slices at once: files named by slice, every key once, the table read once', async () => {
  const date = '2024-05-01';
  await rowsServed();
  const result = await syncTable(deps(), { ...base, date }, sliced);
  expect((await rowsServed()) / ROWS).toBeLessThanOrEqual(1.05);
  expect(result).toMatchObject({ rows: ROWS, files: 6, slices: 2, rowsReadThisAttempt: ROWS, bound: { low: '1', high: String(ROWS) } });
  const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, date);
  const expected = [0, 1].flatMap((slice) => [0, 1, 2].map((n) => fileKey(date, slice, n)));
  expect((await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).sort()).toEqual([...expected, prefix + SUCCESS_MARKER].sort());
  await expectEveryKeyOnce(date);
});

test('an attempt stopped mid-way resumes each slice after its own last key', async () => {
  const date = '2024-05-02';
  const stop = new AbortController();
  const checkpoints: SyncCheckpoint[] = [];
  const first = await syncTable(deps(), { ...base, date }, {
    ...sliced,
    signal: stop.signal,
    onCheckpoint: (cp) => {
      checkpoints.push(cp);
      if (checkpoints.length === 3) stop.abort(new Error('worker lost'));
    },
  }).catch((err) => err);
  expect(first).toBeInstanceOf(Error);
  const last = checkpoints[checkpoints.length - 1];
  expect(last.slices).toHaveLength(2);
  await rowsServed();
  const resumed = await syncTable(deps(), { ...base, date }, { ...sliced, resumeFrom: last });
  expect(resumed.resumedFrom).toEqual({ files: last.files, rows: last.rows });
  expect(resumed.rowsReadThisAttempt).toBe(ROWS - last.rows);
  expect(await rowsServed()).toBeLessThanOrEqual(Math.ceil((ROWS - last.rows) * 1.05) + 10);
  expect(resumed).toMatchObject({ rows: ROWS, files: 6 });
  await expectEveryKeyOnce(date);
});

test('a planned table: one sync per slice, complete only after the finish, which removes an earlier run’s extra file', async () => {
  const date = '2024-05-03';
  const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, date);
  await syncTable(deps(), { ...base, date }, { maxRowsPerFile: 500 }); // an earlier run: 10 files of one slice
  const [plan] = await planTableSync(deps(), { system: 'acode', role: 'primary', bucket: 'bronze', date, streams: [ACODE_FISCAL_TABLE] }, { rowsPerActivity: 2000 });
  expect(plan.slices.map((s) => [s.after, s.upTo])).toEqual([[null, '2500'], ['2500', '5000']]);
  expect(await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).not.toContain(prefix + SUCCESS_MARKER);

  const parts = [];
  for (const slice of plan.slices) {
    parts.push(await syncTable(deps(), { ...base, date, slice: { bound: plan.bound!, slice, count: plan.slices.length } }, { maxRowsPerFile: PER_FILE }));
    expect(await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).not.toContain(prefix + SUCCESS_MARKER);
  }
  expect(parts.map((p) => p.slice?.rows)).toEqual([2500, 2500]);
  const done = await finishTableSync(deps(), { ...base, date, bound: plan.bound!, slices: parts });
  expect(done).toMatchObject({ rows: ROWS, files: 6, slices: 2 });
  const expected = [0, 1].flatMap((slice) => [0, 1, 2].map((n) => fileKey(date, slice, n)));
  expect((await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).sort()).toEqual([...expected, prefix + SUCCESS_MARKER].sort());
  await expectEveryKeyOnce(date);
});

test('a table below the activity size is not planned: one activity reads it whole', async () => {
  const plans = await planTableSync(deps(), { system: 'acode', role: 'primary', bucket: 'bronze', date: '2024-05-04', streams: [ACODE_FISCAL_TABLE] });
  expect(plans).toEqual([{ stream: ACODE_FISCAL_TABLE, slices: [] }]);
  await expect(finishTableSync(deps(), { ...base, date: '2024-05-04', bound: { key: 'idpk', high: '1' }, slices: [] })).rejects.toThrow('every slice');
});
