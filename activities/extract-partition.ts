/**
 * The S3 side of a direct sync: a partition is opened for an attempt (its
 * `_SUCCESS` marker removed first, then every file of earlier attempts), files
 * are uploaded whole (lib-storage: one PUT, or a multipart upload that is
 * aborted on failure, so a half-uploaded object never becomes visible), and
 * the marker is written last, only after every file is in place.
 */
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { SUCCESS_MARKER } from '../config/pipelines';
import { listObjects } from './s3';
import { s3Failure, withS3 } from './s3-errors';

const PART_SIZE = 16 * 1024 * 1024;

async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const out = await withS3('DeleteObjects', bucket, chunk[0], () =>
      s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } })),
    );
    const failed = out.Errors?.[0];
    if (failed) throw s3Failure(Object.assign(new Error(failed.Message ?? 'delete failed'), { Code: failed.Code }), 'DeleteObjects', bucket, failed.Key);
  }
}

/** Removes the partition's `_SUCCESS` marker, then every other object under it. */
export async function openPartitionForAttempt(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const existing = await listObjects(s3, bucket, prefix);
  const marker = existing.find((o) => o.key === prefix + SUCCESS_MARKER);
  if (marker) await deleteKeys(s3, bucket, [marker.key]);
  const files = existing.filter((o) => o !== marker).map((o) => o.key);
  if (files.length) await deleteKeys(s3, bucket, files);
  return existing.length;
}

/** Deletes whatever under the prefix this attempt did not write (a concurrent or older attempt's leftovers). */
export async function removeObjectsNotWritten(s3: S3Client, bucket: string, prefix: string, written: Set<string>): Promise<number> {
  const stale = (await listObjects(s3, bucket, prefix)).map((o) => o.key).filter((k) => !written.has(k));
  if (stale.length) await deleteKeys(s3, bucket, stale);
  return stale.length;
}

/** Uploads a local file to one object; on failure or abort the multipart upload is aborted. */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  localPath: string,
  signal?: AbortSignal,
  partSize = PART_SIZE,
): Promise<void> {
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(localPath), ContentType: 'application/vnd.apache.parquet' },
    partSize,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const onAbort = () => void upload.abort().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } catch (err) {
    throw s3Failure(err, 'Upload', bucket, key);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export async function writeSuccessMarker(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  const key = prefix + SUCCESS_MARKER;
  await withS3('PutObject', bucket, key, () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(0), ContentLength: 0 })));
}
