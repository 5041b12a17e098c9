/**
 * Objects written and read whole, as S3 gives them, on s3rver's filesystem store.
 *
 * S3 makes a PutObject visible only once its whole body has arrived: a reader
 * sees the previous object or the new one, never part of one, and an upload
 * cut short (a body shorter than its Content-Length, a dropped connection)
 * leaves the previous object as it was and answers `IncompleteBody`.
 * s3rver 3.7 instead streams the body straight into the object's file and
 * answers once its hashing stream ends, before the file is flushed: a
 * concurrent GET, a listing or even the writer's own next GET could read a
 * truncated object, and a cut upload left one behind.
 *
 * Here a body goes to a temporary file beside the object (its name does not
 * end in s3rver's object suffix, so listings skip it) and is renamed over the
 * object once complete; a GET opens the object's file before measuring it, so
 * its length and bytes come from one version. The ETag of a GET racing a PUT
 * may still name the other version for the instant between the rename and the
 * metadata write (s3rver keeps them in separate files).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The parts of s3rver's object model used here (lib/models/object.js). */
interface StoreObject {
  bucket: string;
  key: string;
  content: Readable | Buffer | null;
  metadata: Record<string, string | number>;
}
type StoreObjectClass = new (bucket: string, key: string, content: Readable | null, metadata: Record<string, unknown>) => StoreObject & { range?: unknown };
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) replaced or used here. */
export interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
  putMetadata(bucket: string, key: string, metadata: StoreObject['metadata'], md5: string): Promise<void>;
  putObject(object: StoreObject): Promise<{ size: number; md5: string }>;
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoreObject | null>;
}

// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require('s3rver/lib/models/object') as StoreObjectClass;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error = require('s3rver/lib/models/error') as S3ErrorClass;

/** The body length the sender declared, for a PUT straight from a request. */
function declaredLength(content: StoreObject['content']): number | undefined {
  if (!(content instanceof IncomingMessage)) return undefined;
  const header = content.headers['x-amz-decoded-content-length'] ?? content.headers['content-length'];
  const length = Number(header);
  return header !== undefined && Number.isInteger(length) ? length : undefined;
}

async function putWholeObject(store: FilesystemStore, object: StoreObject): Promise<{ size: number; md5: string }> {
  const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  const partial = `${objectPath}.${randomUUID()}.uploading`;
  const hash = createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : (object.content ?? Readable.from([]));
  try {
    await pipeline(body, measure, createWriteStream(partial));
    const declared = declaredLength(object.content);
    if (declared !== undefined && declared !== size) {
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    }
    await rename(partial, objectPath);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const md5 = hash.digest('hex');
  await store.putMetadata(object.bucket, object.key, object.metadata, md5);
  return { size, md5 };
}

async function getWholeObject(store: FilesystemStore, bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoreObject | null> {
  let file: FileHandle;
  try {
    file = await open(store.getResourcePath(bucket, key, 'object'), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const stat = await file.stat();
    const metadata = { ...(await store.getMetadata(bucket, key)), 'content-length': stat.size, 'last-modified': stat.mtime.toUTCString() };
    const lastByte = Math.max(0, stat.size - 1);
    const range = { start: options?.start ?? 0, end: Math.min(options?.end ?? Infinity, lastByte) };
    const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
    const satisfiable = range.start >= 0 && range.start <= range.end;
    const object = new S3Object(bucket, key, satisfiable ? file.createReadStream({ ...range, autoClose: true }) : null, metadata);
    if (ranged) object.range = range;
    if (!satisfiable) await file.close();
    return object;
  } catch (err) {
    await file.close();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Makes the store's PutObject and GetObject whole-object, as S3's are. */
export function serveWholeObjects(store: FilesystemStore): void {
  store.putObject = (object) => putWholeObject(store, object);
  store.getObject = (bucket, key, options) => getWholeObject(store, bucket, key, options);
}
