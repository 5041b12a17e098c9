/**
 * Streams a partition's files from S3 into a private temp directory, so
 * DuckDB can read them without holding them in memory; the directory is
 * removed when the work is done, whatever happens.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { withS3 } from './s3-errors';
import { reportProgress, throwIfCancelled } from '../activity-progress';

export interface DownloadedFile {
  key: string;
  path: string;
}

export async function downloadObjects(
  s3: S3Client,
  bucket: string,
  keys: string[],
  dir: string,
  label = 'download',
): Promise<DownloadedFile[]> {
  const out: DownloadedFile[] = [];
  for (const [i, key] of keys.entries()) {
    throwIfCancelled();
    const path = join(dir, `${String(i).padStart(5, '0')}.parquet`);
    await withS3('GetObject', bucket, key, async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(got.Body as Readable, createWriteStream(path));
    });
    out.push({ key, path });
    reportProgress({ stage: label, downloaded: i + 1, of: keys.length });
  }
  return out;
}

/** Runs `work` with a fresh temp directory under os.tmpdir(), removed afterwards. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
