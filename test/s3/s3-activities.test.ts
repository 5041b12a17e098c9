import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { createS3Activities, listObjects } from '../../activities/s3/s3';
import { partitionFileName, partitionPrefix, quarantinePrefix } from '../../config/pipelines';
import type { PartitionRef } from '../../activities/types';

let env: S3Env;
beforeAll(async () => {
  env = await startS3Env({ faults: true });
});
afterAll(() => env.shutdown());
afterEach(() => env.proxy!.clear());

const STREAM = 'farmarcas_si_analitico_diario';

async function putPartition(ref: PartitionRef, files: string[], marker: boolean): Promise<string> {
  const prefix = partitionPrefix(ref.system, ref.stream, ref.date);
  const bucket = env.buckets[ref.bucket];
  for (let i = 0; i < files.length; i++) {
    const key = prefix + partitionFileName(ref.system, ref.stream, i);
    await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: files[i] }));
  }
  if (marker) await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}_SUCCESS`, Body: new Uint8Array(0), ContentLength: 0 }));
  return prefix;
}

const getText = async (bucket: string, key: string) =>
  (await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

describe('listPartition', () => {
  test('lists files with sizes; complete only once _SUCCESS is present', async () => {
    const ref: PartitionRef = { bucket: 'bronze', system: 'acode', stream: STREAM, date: '2024-05-01' };
    const activities = createS3Activities({ s3: env.s3 });
    const prefix = await putPartition(ref, ['aaaa', 'bbbbbbbb', 'cc'], false);
    const partial = await activities.listPartition(ref);
    expect(partial.complete).toBe(false);
    expect(partial.files.map((f) => [f.key, f.size])).toEqual([
      [`${prefix}file_${STREAM}_000.parquet`, 4],
      [`${prefix}file_${STREAM}_001.parquet`, 8],
      [`${prefix}file_${STREAM}_002.parquet`, 2],
    ]);
    expect(partial.totalBytes).toBe(14);
    expect(Number.isNaN(Date.parse(partial.files[0].lastModified))).toBe(false);

    await env.s3.send(new PutObjectCommand({ Bucket: env.buckets.bronze, Key: `${prefix}_SUCCESS`, Body: new Uint8Array(0), ContentLength: 0 }));
    const done = await activities.listPartition(ref);
    expect(done.complete).toBe(true);
    expect(done.files).toHaveLength(3);
  });

  test('reads every page of a partition with more than 1000 objects', async () => {
    const ref: PartitionRef = { bucket: 'bronze', system: 'radar', stream: 'store', date: '2024-05-01' };
    const prefix = partitionPrefix('radar', 'store', ref.date);
    const keys = Array.from({ length: 1003 }, (_, i) => `${prefix}${partitionFileName('radar', 'store', i)}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => env.s3.send(new PutObjectCommand({ Bucket: env.buckets.bronze, Key, Body: 'x' }))),
      );
    }
    const listing = await createS3Activities({ s3: env.s3 }).listPartition(ref);
    expect(listing.files).toHaveLength(1003);
    expect(listing.totalBytes).toBe(1003);
    expect(listing.complete).toBe(false);
  });

  test('bad input is a non-retryable invalid_input naming the field', async () => {
    const activities = createS3Activities({ s3: env.s3 });
    const err = await activities
      .listPartition({ bucket: 'bronze', system: 'acode', stream: STREAM, date: '2024-02-30' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe('invalid_input');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toMatch(/no such calendar day/);
    const err2 = await activities
      .listPartition({ bucket: 'bronze', system: 'acode', stream: '../etc', date: '2024-02-01' })
      .catch((e) => e);
    expect(err2.message).toMatch(/invalid stream name "..\/etc": expected 1-64 letters, digits or underscores/);
  });
});

describe('measurePartitionBytes', () => {
  test('the bytes of each stream\'s partition and their total; a stream without a partition counts 0', async () => {
    const date = '2024-05-06';
    await putPartition({ bucket: 'bronze', system: 'radar', stream: 'store', date }, ['12345', '678'], true);
    await putPartition({ bucket: 'bronze', system: 'radar', stream: 'product', date }, ['1234567890'], true);
    const streams = ['store', 'product', 'user_access'];
    const volume = await createS3Activities({ s3: env.s3 }).measurePartitionBytes({ bucket: 'bronze', system: 'radar', streams, date });
    expect(volume).toEqual({ totalBytes: 18, perStream: { store: 8, product: 10, user_access: 0 } });
  });

  test('bad input names the field', async () => {
    const activities = createS3Activities({ s3: env.s3 });
    await expect(activities.measurePartitionBytes({ bucket: 'bronze', system: 'radar', streams: 'store' as never, date: '2024-05-06' })).rejects.toThrow(/^measurePartitionBytes: streams must be a list of stream names, got "store"$/);
    await expect(activities.measurePartitionBytes({ bucket: 'bronze', system: 'radar', streams: ['../etc'], date: '2024-05-06' })).rejects.toThrow(/invalid stream name "..\/etc"/);
  });
});

describe('findRecentFiles', () => {
  test('counts data files of the date under every stream of the system, within the window', async () => {
    const date = '2024-06-02';
    await putPartition({ bucket: 'bronze', system: 'radar', stream: 'product', date }, ['1', '2'], true);
    await putPartition({ bucket: 'bronze', system: 'radar', stream: 'user_access', date }, ['3'], false);
    await putPartition({ bucket: 'bronze', system: 'radar', stream: 'product', date: '2024-06-01' }, ['old'], true);
    await putPartition({ bucket: 'bronze', system: 'acode', stream: STREAM, date }, ['other system'], true);
    const input = { bucket: 'bronze' as const, system: 'radar' as const, date, withinMinutes: 10 };
    expect(await createS3Activities({ s3: env.s3 }).findRecentFiles(input)).toBe(3);
    const later = createS3Activities({ s3: env.s3, now: () => Date.now() + 60 * 60_000 });
    expect(await later.findRecentFiles(input)).toBe(0);
  });
});

describe('quarantinePartition', () => {
  test('moves every object under <system>-YYYYMMDD/<original key>, verified, source emptied', async () => {
    const ref: PartitionRef = { bucket: 'bronze', system: 'acode', stream: STREAM, date: '2024-07-03' };
    const prefix = await putPartition(ref, ['one', 'two', 'three'], true);
    const result = await createS3Activities({ s3: env.s3 }).quarantinePartition({ ...ref, reason: 'corrupted footer' });
    const qPrefix = `${quarantinePrefix('acode', ref.date)}${prefix}`;
    expect(qPrefix.startsWith('acode-20240703/origin=airbyte/')).toBe(true);
    expect(result).toEqual({ moved: 4, location: `s3://${env.buckets.quarantine}/${qPrefix}` });
    expect(await listObjects(env.s3, env.buckets.bronze, prefix)).toEqual([]);
    const moved = await listObjects(env.s3, env.buckets.quarantine, qPrefix);
    expect(moved.map((o) => o.key.slice(qPrefix.length))).toEqual([
      '_SUCCESS',
      `file_${STREAM}_000.parquet`,
      `file_${STREAM}_001.parquet`,
      `file_${STREAM}_002.parquet`,
    ]);
    expect(await getText(env.buckets.quarantine, `${qPrefix}file_${STREAM}_001.parquet`)).toBe('two');
  });

  test('a failing copy leaves every data file in place, marker already gone; a retry completes the move', async () => {
    const ref: PartitionRef = { bucket: 'bronze', system: 'acode', stream: STREAM, date: '2024-07-04' };
    const prefix = await putPartition(ref, ['a', 'b', 'c'], true);
    const activities = createS3Activities({ s3: env.faultyS3! });
    // marker copy and first data copy pass; the second data copy fails on every SDK attempt.
    env.proxy!.failNext(3, { operations: ['CopyObject'], skip: 2, status: 503 });
    const logStart = env.proxy!.log.length;
    const err = await activities.quarantinePartition({ ...ref, reason: 'bad rows' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.message).toContain(`S3 CopyObject s3://${env.buckets.quarantine}/acode-20240704/${prefix}file_${STREAM}_001.parquet`);
    expect(err.message).toContain('SlowDown (HTTP 503)');

    const left = await listObjects(env.s3, env.buckets.bronze, prefix);
    expect(left.map((o) => o.key.slice(prefix.length))).toEqual([0, 1, 2].map((i) => `file_${STREAM}_00${i}.parquet`));
    const ops = env.proxy!.log.slice(logStart).map((e) => e.operation);
    expect(ops.filter((o) => o === 'DeleteObjects')).toHaveLength(1); // the marker only

    env.proxy!.clear();
    const retryStart = env.proxy!.log.length;
    const result = await activities.quarantinePartition({ ...ref, reason: 'bad rows' });
    expect(result.moved).toBe(4);
    expect(await listObjects(env.s3, env.buckets.bronze, prefix)).toEqual([]);
    // Sources are deleted only after the last copy was verified.
    const retryOps = env.proxy!.log.slice(retryStart).map((e) => e.operation);
    const firstDelete = retryOps.indexOf('DeleteObjects');
    expect(firstDelete).toBeGreaterThan(retryOps.lastIndexOf('HeadObject'));
    expect(retryOps.filter((o) => o === 'CopyObject')).toHaveLength(3);

    // Idempotent: running again after success changes nothing and reports the same.
    expect(await activities.quarantinePartition({ ...ref, reason: 'bad rows' })).toEqual(result);
    const head = await env.s3.send(
      new HeadObjectCommand({ Bucket: env.buckets.quarantine, Key: `acode-20240704/${prefix}file_${STREAM}_002.parquet` }),
    );
    expect(head.ContentLength).toBe(1);
  });
});
