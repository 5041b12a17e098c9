/**
 * Writing a partition, for every writer (the direct engine, reconciliation).
 * Nothing complete is lost before its replacement lands:
 * 1. the partition's `_SUCCESS` marker is withdrawn first (the partition is
 *    then incomplete, by the layout's contract), earlier files stay;
 * 2. files are uploaded whole under deterministic names, each replacing the
 *    previous object of that name atomically (lib-storage: one PUT, or a
 *    multipart upload aborted on failure, so a half-uploaded object never
 *    becomes visible);
 * 3. only after every file is uploaded, objects the attempt did not rewrite
 *    (a larger earlier run's extra files) are deleted;
 * 4. the marker is written last.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { SUCCESS_MARKER } from '../../config/pipelines';
import { deleteKeys, listObjects } from './s3';
import { s3Failure, withS3 } from './s3-errors';

/** 8 MiB parts, two in flight: about 24 MiB of buffers per upload (S3's minimum part is 5 MiB). */
const PART_SIZE = 8 * 1024 * 1024;

/** Removes the partition's `_SUCCESS` marker, and nothing else; returns whether there was one. */
export async function withdrawSuccessMarker(s3: S3Client, bucket: string, prefix: string): Promise<boolean> {
  const key = prefix + SUCCESS_MARKER;
  const marker = (await listObjects(s3, bucket, prefix)).find((o) => o.key === key);
  if (marker) await deleteKeys(s3, bucket, [key]);
  return Boolean(marker);
}

/**
 * Deletes whatever under the prefix this attempt did not write (an earlier
 * run's extra files, a concurrent attempt's leftovers). Call it only once
 * every file of the attempt is uploaded.
 */
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
