/**
 * checkLakeStorage against the local S3 and its fault proxy: an answer when S3
 * answers, a failed check (not an error) naming the bucket and the failure
 * type when it does not, a clear error for a bucket role that does not exist.
 */
import { createStorageCheckActivities } from '../../activities/s3/storage-check';
import { startS3Env, type S3Env } from '../helpers/s3-env';

let env: S3Env;
beforeAll(async () => {
  env = await startS3Env({ faults: true });
});
afterAll(() => env.shutdown());
afterEach(() => env.proxy!.clear());

const check = () => createStorageCheckActivities({ s3: env.faultyS3!, buckets: env.buckets });

test('S3 answering: ok, with its latency', async () => {
  const result = await check().checkLakeStorage({ bucket: 'bronze', timeoutMs: 5000 });
  expect(result.ok).toBe(true);
  expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  expect(env.proxy!.count('HeadBucket')).toBe(1);
});

test('S3 answering 503 to every attempt: not ok, storage_unavailable, one line naming the bucket', async () => {
  env.proxy!.failNext(100, { status: 503 });
  const result = await check().checkLakeStorage({ bucket: 'bronze', timeoutMs: 5000 });
  expect(result).toMatchObject({ ok: false, failureType: 'storage_unavailable' });
  expect(result.error).toMatch(new RegExp(`^S3 HeadBucket s3://${env.buckets.bronze}/ failed: \\w+ \\(HTTP 503\\)`));
  expect(result.error!.split('\n')).toHaveLength(1);
  expect(env.proxy!.count('HeadBucket', 'failed')).toBeGreaterThanOrEqual(1);
});

test('a bucket role that does not exist, or a bad timeout: a clear error', async () => {
  await expect(check().checkLakeStorage({ bucket: 'silver' as never })).rejects.toThrow('checkLakeStorage: unknown bucket role "silver"');
  await expect(check().checkLakeStorage({ bucket: 'bronze', timeoutMs: -1 })).rejects.toThrow('checkLakeStorage: invalid timeoutMs -1');
});
