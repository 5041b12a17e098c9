/**
 * The objects under a prefix in s3rver's filesystem store, for ListObjectsV2.
 *
 * s3rver 3.7's own `listObjects` walks from the bucket's root and calls
 * `statSync` on every entry of every directory on the way, so listing one
 * partition of one Radar table stat'ed all 93 table directories, and each
 * listing blocked the server's thread for ~2 ms. This walks only the
 * prefix's own directory and below, with file types from `readdir`, and
 * sorts the keys by their UTF-8 bytes, the order S3 lists them in (s3rver
 * gave them in directory order). An object is a `<name>._S3rver_object`
 * file (a temporary upload file is not); its size, ETag and dates come from
 * the store's getMetadata, as s3rver's listing has them.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';

export interface StoredObject {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore a listing reads. */
export interface ListableStore {
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
}

const OBJECT_SUFFIX = '._S3rver_object';
// s3rver's own object model: it picks the metadata S3 lists and derives size and dates from it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require('s3rver/lib/models/object') as new (bucket: string, key: string, content: null, metadata: Record<string, unknown>) => StoredObject;

/** S3's key order: by UTF-8 bytes. */
export const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Every key starting with `prefix`, in S3's order. */
export async function keysUnder(bucketPath: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  const walk = async (dir: string, base: string): Promise<void> => {
    const entries = await entriesOf(dir);
    await Promise.all(
      entries.map(async (entry) => {
        const name = base + entry.name;
        if (entry.isDirectory()) {
          const below = `${name}/`;
          // a directory matters only when keys below it can start with the prefix
          if (below.startsWith(prefix) || prefix.startsWith(below)) await walk(path.join(dir, entry.name), below);
        } else if (entry.isFile() && name.endsWith(OBJECT_SUFFIX)) {
          const key = name.slice(0, -OBJECT_SUFFIX.length);
          if (key.startsWith(prefix)) keys.push(key);
        }
      }),
    );
  };
  const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  await walk(path.join(bucketPath, base), base);
  return keys.sort(byUtf8);
}

/** One page of objects under `prefix` after `startAfter`, at most `maxKeys` of them. */
export async function listStoredObjects(
  store: ListableStore,
  bucket: string,
  o: { prefix: string; startAfter: string; maxKeys?: number },
): Promise<{ objects: StoredObject[]; isTruncated: boolean }> {
  const after = (await keysUnder(store.getBucketPath(bucket), o.prefix)).filter((key) => byUtf8(key, o.startAfter) > 0);
  const max = o.maxKeys ?? Infinity;
  const page = after.slice(0, max);
  const metadata = await Promise.all(
    page.map((key) =>
      store.getMetadata(bucket, key).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined; // deleted while listed
        throw err;
      }),
    ),
  );
  const objects = page.flatMap((key, i) => (metadata[i] ? [new S3Object(bucket, key, null, metadata[i])] : []));
  return { objects, isTruncated: after.length > max };
}
