/**
 * A live source: rows keep arriving in the fiscal table on the primary all
 * through the daily sync (and reach the replica the backup sync reads). Each
 * stream is read against one consistent bound (`idpk <= H` read at its
 * start), so the day succeeds, its partition holds exactly the keys up to the
 * bound, nothing goes to quarantine, and the summary names the bound. The
 * fiscal table is past the activity size here: it is planned into two key
 * slices read by two activities, the bound read once for both.
 */
import { ACODE_DATABASE } from '../../local/mariadb/credentials';
import { ACODE_FISCAL_COLUMNS, ACODE_FISCAL_TABLE, partitionPrefix, quarantinePrefix, type SourceRole } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId, recoveryId } from '../../workflows/ids';
import { startStack, type Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn, sorted, sourceKeys } from './landed-data';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ fiscalRows: 20_000, radar: false, extract: { maxRowsPerFile: 4_000, batchRows: 500, rowsPerActivity: 8_000 } });
}, 60_000);
afterAll(() => stack?.teardown());

const BATCH = 100;
const columns = ACODE_FISCAL_COLUMNS.map((c) => `\`${c.name}\``);
/** 100 new fiscal rows above the current highest key, copies of the first rows with new keys. */
const insertBatch = `INSERT INTO \`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\` (${columns.join(', ')})
  SELECT m.top + ROW_NUMBER() OVER (ORDER BY f.idpk), ${columns.slice(1).map((c) => `f.${c}`).join(', ')}
    FROM \`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\` f, (SELECT MAX(idpk) AS top FROM \`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\`) m
   ORDER BY f.idpk LIMIT ${BATCH}`;

/** Inserts batches back to back until `until` settles; returns how many batches went in before it did. */
async function insertWhile(until: Promise<unknown>): Promise<number> {
  let done = false;
  until.then(
    () => (done = true),
    () => (done = true),
  );
  let batches = 0;
  await stack.pair.primary.withAdmin(async (conn) => {
    while (!done) {
      await conn.query(insertBatch);
      if (!done) batches++;
    }
  });
  return batches;
}

async function syncWhileWriting(date: string, source: SourceRole) {
  const handle = await stack.start('acodeDailySync', { date, source }, acodeDailySyncId(date, source));
  const result = handle.result() as Promise<AcodeDailySyncResult>;
  const batchesDuring = await insertWhile(result);
  return { result: await result, batchesDuring };
}

async function expectExactlyTheBound(result: AcodeDailySyncResult, bucket: string, role: SourceRole) {
  const fiscal = result.streams.find((s) => s.stream === ACODE_FISCAL_TABLE)!;
  const high = /^idpk <= (\d+)$/.exec(fiscal.bound ?? '')?.[1];
  expect(high).toBeDefined();
  const landed = sorted(await parquetColumn(stack.s3, bucket, partitionPrefix('acode', ACODE_FISCAL_TABLE, result.date)));
  const source = sorted(await sourceKeys(stack.sources, role, ACODE_FISCAL_TABLE));
  const ofBound = source.filter((k) => BigInt(k) <= BigInt(high!));
  expect(landed).toEqual(ofBound);
  expect(fiscal.rows).toBe(ofBound.length);
  // one activity per slice of one bound (two or more: the table keeps growing), one finish completed the partition
  const calls = stack.calls.filter((c) => (c.input as { date?: string; stream?: string }).date === result.date);
  type SliceInput = { slice?: { bound: { high: string }; slice: { index: number }; count: number } };
  const slices = calls
    .filter((c) => c.name === 'syncTableToS3')
    .map((c) => (c.input as SliceInput).slice)
    .filter((s) => s?.bound.high === high);
  const count = slices[0]?.count ?? 0;
  expect(count).toBeGreaterThanOrEqual(2);
  expect([...new Set(slices.map((s) => s!.slice.index))].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(calls.filter((c) => c.name === 'finishTableSync' && (c.input as { stream: string }).stream === ACODE_FISCAL_TABLE)).toHaveLength(1);
  // the table kept growing past the bound while the day was read
  expect(source.length).toBeGreaterThan(ofBound.length);
}

test('rows inserted all through the primary sync: the day succeeds with exactly the rows of its bound, nothing quarantined', async () => {
  const date = '2025-09-01';
  const { result, batchesDuring } = await syncWhileWriting(date, 'primary');
  expect(batchesDuring).toBeGreaterThan(0);
  expect(result).toMatchObject({ system: 'acode', date, source: 'primary' });
  expect(result.qualityScore).toBeGreaterThan(90);
  await expectExactlyTheBound(result, stack.buckets.bronze, 'primary');
  for (const s of result.streams) expect(s.bound).toMatch(/^idpk (<= \d+|: empty)$/);
  expect(await listKeys(stack.s3, stack.buckets.quarantine, quarantinePrefix('acode', date))).toEqual([]);
  const recovery = await stack.client.workflow.getHandle(recoveryId('acode', 'data_corruption', date)).describe().catch(() => undefined);
  expect(recovery).toBeUndefined();
});

test('the backup sync reads the replica while the primary keeps receiving rows: the same rule holds there', async () => {
  const date = '2025-09-02';
  const { result, batchesDuring } = await syncWhileWriting(date, 'backup');
  expect(batchesDuring).toBeGreaterThan(0);
  expect(result).toMatchObject({ source: 'backup' });
  await stack.pair.waitForReplicaCatchUp();
  await expectExactlyTheBound(result, stack.buckets.backup, 'backup');
});
