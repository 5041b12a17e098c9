/**
 * Landing reconciliation's rows where readers read: the day's `origin=airbyte`
 * partition of the bronze bucket, so a reader of the table never has to know
 * that a day came from the backup.
 *
 * 1. The partition as it is (partial, complete, or a quarantined one's
 *    leftovers) is copied whole to the quarantine bucket under
 *    `<system>-YYYYMMDD/replaced/<run>/<original key>`, each copy verified
 *    (size and ETag) and never over an existing object: nothing is lost,
 *    however often a run is retried.
 * 2. Then the partition is written like every writer writes one
 *    (partition-writes.ts): `_SUCCESS` withdrawn, the reconciled files
 *    uploaded under the layout's names, the manifest, the files this run did
 *    not write removed (kept in step 1), `_SUCCESS` last.
 *
 * The manifest, `_MANIFEST.json` beside `_SUCCESS` (readers skip `_` files),
 * says which sources and which recovery produced the partition.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PARTITION_MANIFEST, SUCCESS_MARKER, type SystemName } from '../../config/pipelines';
import type { LakeShape } from '../../config/lake-schema';
import type { ReconcileResult } from '../types';
import { copyVerified, listObjects } from '../s3/s3';
import { withS3 } from '../s3/s3-errors';
import { removeObjectsNotWritten, uploadFile, withdrawSuccessMarker, writeSuccessMarker } from '../s3/partition-writes';

export interface ManifestSource {
  role: 'primary' | 'backup';
  location: string;
  files: number;
  /** Rows of the partition taken from this source. */
  rows: number;
}

export interface PartitionManifest {
  writtenBy: 'reconciliation';
  /** The recovery workflow whose reconciliation wrote the partition (null: a reconciliation started by hand). */
  recovery: string | null;
  system: SystemName;
  stream: string;
  date: string;
  shape: LakeShape | null;
  rows: number;
  sources: ManifestSource[];
  /** Where the partition's earlier objects were kept (null: it had none). */
  keptOriginalsAt: string | null;
  result: ReconcileResult;
  writtenAt: string;
}

/** The partition's manifest, or undefined when it has none (a partition a sync wrote). */
export async function readManifest(s3: S3Client, bucket: string, prefix: string): Promise<PartitionManifest | undefined> {
  const key = prefix + PARTITION_MANIFEST;
  const objects = await listObjects(s3, bucket, prefix);
  if (!objects.some((o) => o.key === key)) return undefined;
  const text = await withS3('GetObject', bucket, key, async () => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body!.transformToString();
  });
  return JSON.parse(text) as PartitionManifest;
}

/** Copies every object under `prefix` to `to`/`target` + key, verified; an object already kept there is left as it is. Returns the copies made. */
export async function keepOriginals(s3: S3Client, from: string, prefix: string, to: string, target: string): Promise<number> {
  const originals = await listObjects(s3, from, prefix);
  const kept = new Set((await listObjects(s3, to, target)).map((o) => o.key));
  let copied = 0;
  for (const object of originals) {
    const toKey = target + object.key;
    if (kept.has(toKey)) continue;
    await copyVerified(s3, object, from, to, toKey);
    copied++;
  }
  return copied;
}

/** Replaces the partition's objects with `files` and the manifest, `_SUCCESS` last. Call only after keepOriginals. */
export async function replacePartition(
  s3: S3Client,
  bucket: string,
  prefix: string,
  files: { key: string; path: string }[],
  manifest: PartitionManifest,
): Promise<void> {
  await withdrawSuccessMarker(s3, bucket, prefix);
  const written = new Set<string>();
  for (const file of files) {
    await uploadFile(s3, bucket, file.key, file.path);
    written.add(file.key);
  }
  const manifestKey = prefix + PARTITION_MANIFEST;
  const body = JSON.stringify(manifest, null, 2);
  await withS3('PutObject', bucket, manifestKey, () =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: body, ContentType: 'application/json' })),
  );
  written.add(manifestKey);
  written.add(prefix + SUCCESS_MARKER);
  await removeObjectsNotWritten(s3, bucket, prefix, written);
  await writeSuccessMarker(s3, bucket, prefix);
}
