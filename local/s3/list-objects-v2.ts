/**
 * ListObjectsV2 answered from s3rver's store.
 *
 * s3rver 3.7 builds its continuation tokens with the DES cipher, which
 * OpenSSL 3 (Node >= 17) refuses, so every truncated ListObjectsV2 page fails
 * with a 500. This module lists through the same filesystem store and issues
 * its own opaque token (the last key, base64url), so pagination works.
 * It also groups keys by delimiter itself: s3rver's store prunes directories
 * below the first delimiter before reaching their keys, so `Delimiter: '/'`
 * returned no common prefixes for keys nested two levels down. The keys
 * themselves come from stored-keys.ts, in S3's order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byUtf8, listStoredObjects, type ListableStore, type StoredObject } from './stored-keys';

export interface S3rverStore extends ListableStore {
  getBucket(name: string): Promise<unknown>;
}

const TOKEN_TAG = 'local-s3:';

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function sendXml(res: ServerResponse, status: number, body: string): void {
  const payload = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': payload.length });
  res.end(payload);
}

export function sendS3Error(res: ServerResponse, status: number, code: string, message: string, resource = ''): void {
  sendXml(
    res,
    status,
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>local-s3</RequestId></Error>`,
  );
}

async function listPage(
  store: S3rverStore,
  bucket: string,
  o: { prefix: string; startAfter: string; delimiter: string; maxKeys: number },
): Promise<{ objects: StoredObject[]; commonPrefixes: string[]; isTruncated: boolean }> {
  if (!o.delimiter) return { ...(await listStoredObjects(store, bucket, o)), commonPrefixes: [] };
  // Group every key under the prefix ourselves (local data sets are small).
  const all = await listStoredObjects(store, bucket, { prefix: o.prefix, startAfter: o.startAfter });
  const objects: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  for (const obj of all.objects) {
    const rest = obj.key.slice(o.prefix.length);
    const at = rest.indexOf(o.delimiter);
    const group = at === -1 ? undefined : obj.key.slice(0, o.prefix.length + at + o.delimiter.length);
    // A token pointing at a common prefix resumes after everything under it.
    if (group !== undefined && (group === o.startAfter || commonPrefixes.at(-1) === group)) continue;
    if (objects.length + commonPrefixes.length >= o.maxKeys) return { objects, commonPrefixes, isTruncated: true };
    if (group === undefined) objects.push(obj);
    else commonPrefixes.push(group);
  }
  return { objects, commonPrefixes, isTruncated: false };
}

/** When `req` is a path-style ListObjectsV2 request, answers it and returns true. */
export async function answerListObjectsV2(store: S3rverStore, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' || !req.url) return false;
  const url = new URL(req.url, 'http://local');
  if (url.searchParams.get('list-type') !== '2') return false;
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length !== 1) return false;
  const bucket = decodeURIComponent(segments[0]);
  const q = url.searchParams;

  if (!(await store.getBucket(bucket))) {
    sendS3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', `/${bucket}`);
    return true;
  }
  const maxKeysParam = q.get('max-keys');
  const maxKeys = maxKeysParam === null ? 1000 : Number(maxKeysParam);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    sendS3Error(res, 400, 'InvalidArgument', `max-keys must be a non-negative integer, got ${maxKeysParam}`);
    return true;
  }
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const token = q.get('continuation-token');
  let startAfter = q.get('start-after') ?? '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith(TOKEN_TAG)) {
      sendS3Error(res, 400, 'InvalidArgument', 'The continuation token provided is incorrect');
      return true;
    }
    startAfter = decoded.slice(TOKEN_TAG.length);
  }
  const urlEncoded = q.get('encoding-type') === 'url';
  const out = (text: string) => escapeXml(urlEncoded ? encodeURIComponent(text).replace(/%2F/g, '/') : text);

  const result =
    maxKeys === 0
      ? { objects: [], commonPrefixes: [], isTruncated: false }
      : await listPage(store, bucket, { prefix, startAfter, delimiter, maxKeys: Math.min(maxKeys, 1000) });
  const lastKey = [...result.objects.map((o) => o.key), ...result.commonPrefixes].sort(byUtf8).at(-1);
  const next =
    result.isTruncated && lastKey !== undefined
      ? `<NextContinuationToken>${Buffer.from(TOKEN_TAG + lastKey).toString('base64url')}</NextContinuationToken>`
      : '';
  const contents = result.objects
    .map(
      (o) =>
        `<Contents><Key>${out(o.key)}</Key><LastModified>${o.lastModifiedDate.toISOString()}</LastModified>` +
        `<ETag>${escapeXml(o.metadata['etag'] ?? '')}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  const prefixes = result.commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${out(p)}</Prefix></CommonPrefixes>`).join('');
  sendXml(
    res,
    200,
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name>` +
      `<Prefix>${out(prefix)}</Prefix>` +
      (token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '') +
      (q.has('start-after') ? `<StartAfter>${out(q.get('start-after')!)}</StartAfter>` : '') +
      `<KeyCount>${result.objects.length + result.commonPrefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
      (delimiter ? `<Delimiter>${out(delimiter)}</Delimiter>` : '') +
      (urlEncoded ? '<EncodingType>url</EncodingType>' : '') +
      `<IsTruncated>${result.isTruncated}</IsTruncated>${next}${contents}${prefixes}</ListBucketResult>`,
  );
  return true;
}
