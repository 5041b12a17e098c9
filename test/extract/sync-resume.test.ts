/**
 * The direct engine reads a table against one bound, in key ranges, and a
 * retried attempt continues from the last checkpoint: it keeps the files
 * already uploaded, reads only the rest, and lands every key of the bound
 * exactly once with the deterministic file set.
 */
import { ACODE_FISCAL_TABLE, SUCCESS_MARKER, partitionFileName, partitionPrefix } from '../../config/pipelines';
import { syncTable } from '../../activities/engine/extract-engine';
import type { SyncCheckpoint } from '../../activities/engine/extract-ranges';
import { rowsServedSinceLast } from '../../local/mariadb/table-statistics';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { listKeys, parquetColumn, sorted, sourceKeys } from '../scenarios/landed-data';

let db: MariaDbEnv;
let s3env: S3Env;
const DATE = '2024-04-02';
const input = { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, date: DATE, bucket: 'bronze' } as const;
const ROWS = 5000;
const PER_FILE = 1000;

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
const prefix = partitionPrefix('acode', ACODE_FISCAL_TABLE, DATE);

test('a whole sync: one range a file, a checkpoint after each, the bound in the result', async () => {
  const checkpoints: SyncCheckpoint[] = [];
  await rowsServed();
  const result = await syncTable(deps(), input, { maxRowsPerFile: PER_FILE, onCheckpoint: (cp) => checkpoints.push(cp) });
  const served = await rowsServed();
  expect(served / ROWS).toBeLessThanOrEqual(1.05);
  expect(result).toMatchObject({ rows: ROWS, files: ROWS / PER_FILE, rowsReadThisAttempt: ROWS, bound: { key: 'idpk', low: '1', high: String(ROWS) } });
  expect(result.slices).toBeUndefined();
  expect(checkpoints.map((c) => [c.files, c.rows])).toEqual([1, 2, 3, 4, 5].map((n) => [n, n * PER_FILE]));
  expect(checkpoints.map((c) => c.slices[0].lastKey)).toEqual(['1000', '2000', '3000', '4000', '5000']);
});

test('an attempt stopped after its second checkpoint, then retried from it: the retry reads the remaining rows only, every key lands once', async () => {
  const stop = new AbortController();
  const checkpoints: SyncCheckpoint[] = [];
  const first = await syncTable(deps(), input, {
    maxRowsPerFile: PER_FILE,
    signal: stop.signal,
    onCheckpoint: (cp) => {
      checkpoints.push(cp);
      if (checkpoints.length === 2) stop.abort(new Error('worker lost'));
    },
  }).catch((err) => err);
  expect(first).toBeInstanceOf(Error);
  expect(await listKeys(s3env.s3, s3env.buckets.bronze, prefix)).not.toContain(`${prefix}${SUCCESS_MARKER}`);

  const resumed = await syncTable(deps(), input, { maxRowsPerFile: PER_FILE, resumeFrom: checkpoints[1] });
  expect(resumed).toMatchObject({ rows: ROWS, files: ROWS / PER_FILE, resumedFrom: { files: 2, rows: 2 * PER_FILE }, rowsReadThisAttempt: ROWS - 2 * PER_FILE });
  const keys = await listKeys(s3env.s3, s3env.buckets.bronze, prefix);
  expect([...keys].sort()).toEqual(
    [1, 2, 3, 4, 5].map((n) => `${prefix}${partitionFileName('acode', ACODE_FISCAL_TABLE, n)}`).concat(`${prefix}${SUCCESS_MARKER}`).sort(),
  );
  const landed = sorted(await parquetColumn(s3env.s3, s3env.buckets.bronze, prefix));
  expect(landed).toEqual(sorted(await sourceKeys(db.sources, 'primary', ACODE_FISCAL_TABLE)));
});

test('a checkpoint of another day or stream is not resumed from', async () => {
  const checkpoints: SyncCheckpoint[] = [];
  await syncTable(deps(), input, { maxRowsPerFile: PER_FILE, onCheckpoint: (cp) => checkpoints.push(cp) });
  const other = { ...checkpoints[1], date: '2024-04-01' };
  const result = await syncTable(deps(), input, { maxRowsPerFile: PER_FILE, resumeFrom: other });
  expect(result.resumedFrom).toBeUndefined();
  expect(result.rowsReadThisAttempt).toBe(ROWS);
});
