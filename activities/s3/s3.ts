/**
 * S3 activities: list a partition, count recently written files, quarantine a
 * partition. Also the listing helpers the Parquet, quality and reconcile
 * activities share.
 *
 * Layout (config/pipelines.ts): `<bucket>/origin=airbyte/database=bronze_<system>/<stream>/cog_dt_ingestion=YYYY-MM-DD/`
 * holds the Parquet files and a `_SUCCESS` marker written last.
 *
 * Quarantine moves a partition to `<quarantine bucket>/<system>-YYYYMMDD/<original key>`:
 *  1. the `_SUCCESS` marker is copied, verified and removed from the source
 *     first, so no reader takes a half-moved partition as complete;
 *  2. every data file is copied and each copy verified (size, and ETag or the
 *     source's MD5 when the source ETag is a multipart one);
 *  3. only when all copies are verified are the sources deleted.
 * A retry redoes what is missing: copies overwrite identical copies, deleted
 * sources are found in quarantine, so the result is the same.
 */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BUCKETS, SUCCESS_MARKER, databasePrefix, isPartitionDataFile, isSystem, partitionPrefix, quarantinePrefix, streamOfPrefix, type BucketRole } from '../../config/pipelines';
import { parseIngestionDate } from '../../config/calendar';
import type { PartitionListing, PartitionRef, S3Activities } from '../types';
import { withS3 } from './s3-errors';
import { failure, invalidInput } from '../../config/failures';
import { reportProgress, throwIfCancelled } from '../activity-progress';
import { identifierProblem, isIdentifier } from '../../config/identifiers';

export interface S3Deps {
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
  /** Clock for findRecentFiles; Date.now by default. */
  now?: () => number;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
}

/** Partitions listed at once by measurePartitionBytes. */
const LISTINGS_AT_ONCE = 8;

/** CopyObject copies objects up to 5 GiB in one request. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;

/** Every object under a prefix, all pages. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  let token: string | undefined;
  do {
    const page = await withS3('ListObjectsV2', bucket, prefix, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
    );
    for (const o of page.Contents ?? []) {
      out.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0), etag: o.ETag ?? '' });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The immediate "sub-folders" of a prefix (ListObjectsV2 with delimiter '/'). */
export async function listSubPrefixes(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await withS3('ListObjectsV2', bucket, prefix, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token })),
    );
    out.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export const isSuccessMarker = (key: string) => key.endsWith(`/${SUCCESS_MARKER}`) || key === SUCCESS_MARKER;

/** Checks a partition reference and resolves its bucket name and prefix; bad input is a non-retryable invalid_input. */
export function resolvePartition(ref: PartitionRef, buckets: Record<BucketRole, string>): { bucket: string; prefix: string } {
  const where = `partition ${JSON.stringify(ref)}`;
  if (!ref || typeof ref !== 'object') throw invalidInput('partition reference missing');
  if (!(ref.bucket in buckets)) throw invalidInput(`${where}: unknown bucket role ${JSON.stringify(ref.bucket)}`);
  if (!isSystem(ref.system)) throw invalidInput(`${where}: unknown system ${JSON.stringify(ref.system)}`);
  if (!isIdentifier(ref.stream)) throw invalidInput(`${where}: ${identifierProblem('stream name', ref.stream)}`);
  try {
    parseIngestionDate(ref.date);
  } catch (err) {
    throw invalidInput(`${where}: ${(err as Error).message}`);
  }
  return { bucket: buckets[ref.bucket], prefix: partitionPrefix(ref.system, ref.stream, ref.date) };
}

/** The data files (without the marker) of a partition and whether its `_SUCCESS` marker is present. */
export async function listPartitionFiles(
  s3: S3Client,
  ref: PartitionRef,
  buckets: Record<BucketRole, string>,
): Promise<{ bucket: string; prefix: string; files: StoredObject[]; complete: boolean }> {
  const { bucket, prefix } = resolvePartition(ref, buckets);
  const all = await listObjects(s3, bucket, prefix);
  const files = all.filter((o) => isPartitionDataFile(o.key));
  return { bucket, prefix, files, complete: all.some((o) => isSuccessMarker(o.key)) };
}

async function md5OfObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  const body = await withS3('GetObject', bucket, key, async () => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body as Readable;
  });
  const hash = createHash('md5');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
}

/** Copies one object and proves the copy equals the source; throws a classified failure otherwise. */
export async function copyVerified(s3: S3Client, source: StoredObject, from: string, to: string, toKey: string): Promise<void> {
  if (source.size > MAX_SINGLE_COPY_BYTES) {
    throw failure('unknown', `S3 CopyObject s3://${from}/${source.key}: ${source.size} bytes exceeds the 5 GiB single-copy limit`, { final: true });
  }
  await withS3('CopyObject', to, toKey, () =>
    s3.send(
      new CopyObjectCommand({
        Bucket: to,
        Key: toKey,
        CopySource: `${from}/${encodeURIComponent(source.key)}`,
        MetadataDirective: 'COPY',
      }),
    ),
  );
  const head = await withS3('HeadObject', to, toKey, () => s3.send(new HeadObjectCommand({ Bucket: to, Key: toKey })));
  const copyEtag = head.ETag ?? '';
  let verified = head.ContentLength === source.size && copyEtag === source.etag;
  if (!verified && head.ContentLength === source.size && source.etag.includes('-') && !copyEtag.includes('-')) {
    // A multipart source's ETag is not an MD5; the single-request copy's is, so compare it with the source's MD5.
    verified = (await md5OfObject(s3, from, source.key)) === copyEtag;
  }
  if (!verified) {
    throw failure(
      'data_corruption',
      `quarantine copy s3://${to}/${toKey} does not match its source s3://${from}/${source.key}: ` +
        `size ${head.ContentLength} vs ${source.size}, ETag ${copyEtag} vs ${source.etag}`,
    );
  }
}

/** Deletes keys in batches of 1000; any key S3 refuses fails the call naming it. */
export async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const out = await withS3('DeleteObjects', bucket, batch[0], () =>
      s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      throw failure('unknown', `S3 DeleteObjects s3://${bucket}/${failed[0].Key} failed: ${failed[0].Code}: ${failed[0].Message} (${failed.length} keys not deleted)`);
    }
  }
}

export function createS3Activities(deps: S3Deps): S3Activities {
  const { s3 } = deps;
  const buckets = deps.buckets ?? { ...BUCKETS };
  const now = deps.now ?? Date.now;

  return {
    async listPartition(input: PartitionRef): Promise<PartitionListing> {
      const { files, complete, bucket, prefix } = await listPartitionFiles(s3, input, buckets);
      return {
        location: `s3://${bucket}/${prefix}`,
        files: files.map((f) => ({ key: f.key, size: f.size, lastModified: f.lastModified.toISOString() })),
        totalBytes: files.reduce((sum, f) => sum + f.size, 0),
        complete,
      };
    },

    async measurePartitionBytes(input) {
      if (!Array.isArray(input?.streams)) throw invalidInput(`measurePartitionBytes: streams must be a list of stream names, got ${JSON.stringify(input?.streams)?.slice(0, 80)}`);
      const perStream: Record<string, number> = {};
      const pending = [...input.streams];
      const lane = async () => {
        for (let stream = pending.shift(); stream !== undefined; stream = pending.shift()) {
          const { files } = await listPartitionFiles(s3, { ...input, stream }, buckets);
          perStream[stream] = files.reduce((sum, f) => sum + f.size, 0);
        }
      };
      await Promise.all(Array.from({ length: Math.min(LISTINGS_AT_ONCE, pending.length) }, lane));
      return { totalBytes: Object.values(perStream).reduce((a, b) => a + b, 0), perStream };
    },

    async findRecentFiles(input) {
      const { bucket: role, system, date, withinMinutes } = input;
      // Validates bucket, system and date with a placeholder stream name.
      const { bucket } = resolvePartition({ bucket: role, system, stream: 'any', date }, buckets);
      if (typeof withinMinutes !== 'number' || !(withinMinutes > 0)) {
        throw invalidInput(`findRecentFiles: withinMinutes must be a positive number, got ${JSON.stringify(withinMinutes)}`);
      }
      const since = now() - withinMinutes * 60_000;
      let count = 0;
      for (const sub of await listSubPrefixes(s3, bucket, databasePrefix(system))) {
        const stream = streamOfPrefix(system, sub);
        if (!stream) continue;
        for (const o of await listObjects(s3, bucket, partitionPrefix(system, stream, date))) {
          if (isPartitionDataFile(o.key) && o.lastModified.getTime() >= since) count += 1;
        }
      }
      return count;
    },

    async quarantinePartition(input) {
      const { bucket: from, prefix } = resolvePartition(input, buckets);
      if (typeof input.reason !== 'string' || input.reason.trim() === '') {
        throw invalidInput('quarantinePartition: reason must be a non-empty string');
      }
      const to = buckets.quarantine;
      const target = (key: string) => `${quarantinePrefix(input.system, input.date)}${key}`;
      const location = `s3://${to}/${target(prefix)}`;

      const sources = await listObjects(s3, from, prefix);
      const marker = sources.find((o) => isSuccessMarker(o.key));
      const data = sources.filter((o) => o !== marker);
      if (marker) {
        await copyVerified(s3, marker, from, to, target(marker.key));
        await deleteKeys(s3, from, [marker.key]);
        reportProgress({ stage: 'marker-removed', key: marker.key });
      }
      let copied = 0;
      for (const file of data) {
        throwIfCancelled();
        await copyVerified(s3, file, from, to, target(file.key));
        copied += 1;
        reportProgress({ stage: 'copying', copied, of: data.length });
      }
      await deleteKeys(
        s3,
        from,
        data.map((o) => o.key),
      );
      const moved = (await listObjects(s3, to, target(prefix))).length;
      reportProgress({ stage: 'done', moved });
      return { moved, location };
    },
  };
}
