import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { createLocalS3Client } from '../../engines/s3-server';

const MB = 1024 * 1024;
let env: S3Env;
beforeAll(async () => {
  env = await startS3Env({ faults: true });
});
afterAll(() => env.shutdown());
afterEach(() => env.proxy!.clear());

const bronze = () => env.buckets.bronze;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function listKeys(prefix: string, bucket = bronze()): Promise<string[]> {
  const out = await env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

test('creates the project buckets', async () => {
  for (const bucket of Object.values(env.buckets)) {
    const out = await env.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(out.KeyCount).toBe(0);
  }
});

test('multipart upload through lib-storage lands whole, HeadObject reports its size', async () => {
  const body = Buffer.alloc(11 * MB);
  for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
  const key = 'mp/cog_dt_ingestion=2024-03-01/file_000.parquet';
  await new Upload({ client: env.s3, params: { Bucket: bronze(), Key: key, Body: body }, partSize: 5 * MB }).done();
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bronze(), Key: key }));
  expect(head.ContentLength).toBe(body.length);
  const got = await env.s3.send(new GetObjectCommand({ Bucket: bronze(), Key: key }));
  expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(body));
});

test('CopyObject with a URL-encoded source key containing "=" copies the object', async () => {
  const key = 'cp/cog_dt_ingestion=2024-03-01/a b.parquet';
  await env.s3.send(new PutObjectCommand({ Bucket: bronze(), Key: key, Body: 'payload' }));
  const copy = await env.s3.send(
    new CopyObjectCommand({
      Bucket: env.buckets.quarantine,
      Key: `q/${key}`,
      CopySource: `${bronze()}/${encodeURIComponent(key)}`,
    }),
  );
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: env.buckets.quarantine, Key: `q/${key}` }));
  expect(head.ETag).toBe(copy.CopyObjectResult!.ETag);
  expect(head.ContentLength).toBe(7);
});

test('ListObjectsV2 paginates with a prefix; DeleteObjects removes a batch', async () => {
  for (let i = 0; i < 7; i++) {
    await env.s3.send(new PutObjectCommand({ Bucket: bronze(), Key: `pg/k${i}`, Body: 'x'.repeat(i + 1) }));
  }
  await env.s3.send(new PutObjectCommand({ Bucket: bronze(), Key: 'pgx/other', Body: 'x' }));
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await env.s3.send(
      new ListObjectsV2Command({ Bucket: bronze(), Prefix: 'pg/', MaxKeys: 3, ContinuationToken: token }),
    );
    pages += 1;
    seen.push(...(page.Contents ?? []).map((o) => `${o.Key}:${o.Size}`));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  expect(pages).toBe(3);
  expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `pg/k${i}:${i + 1}`));

  const deleted = await env.s3.send(
    new DeleteObjectsCommand({ Bucket: bronze(), Delete: { Objects: [{ Key: 'pg/k0' }, { Key: 'pg/k1' }] } }),
  );
  expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(['pg/k0', 'pg/k1']);
  expect(await listKeys('pg/')).toHaveLength(5);
});

test('ListObjectsV2 lists keys in S3 order (UTF-8 bytes), across directories, pages and a delimiter', async () => {
  // '-' (0x2d) sorts before '/' (0x2f): ord/a-c comes before everything under ord/a/
  const keys = ['ord/b', 'ord/a/z', 'ord/a-c', 'ord/a/b', 'ord/é', 'ordx/no'];
  for (const key of keys) await env.s3.send(new PutObjectCommand({ Bucket: bronze(), Key: key, Body: key }));
  const inOrder = ['ord/a-c', 'ord/a/b', 'ord/a/z', 'ord/b', 'ord/é'];
  expect(await listKeys('ord/')).toEqual(inOrder);
  const paged: string[] = [];
  let token: string | undefined;
  do {
    const page = await env.s3.send(new ListObjectsV2Command({ Bucket: bronze(), Prefix: 'ord/', MaxKeys: 2, ContinuationToken: token }));
    paged.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  expect(paged).toEqual(inOrder);
  const grouped = await env.s3.send(new ListObjectsV2Command({ Bucket: bronze(), Prefix: 'ord/', Delimiter: '/' }));
  expect((grouped.Contents ?? []).map((o) => `${o.Key}:${o.Size}`)).toEqual(['ord/a-c:7', 'ord/b:5', 'ord/é:6']);
  expect((grouped.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(['ord/a/']);
  expect(await listKeys('ord')).toEqual([...inOrder, 'ordx/no']);
  expect(await listKeys('or')).toEqual([...inOrder, 'ordx/no']);
});

test('fault proxy: 503s for the next N requests are retried by the SDK', async () => {
  env.proxy!.failNext(2, { status: 503, operations: ['PutObject'] });
  const before = env.proxy!.count('PutObject', 'failed');
  await env.faultyS3!.send(new PutObjectCommand({ Bucket: bronze(), Key: 'retry/ok', Body: 'fine' }));
  expect(env.proxy!.count('PutObject', 'failed') - before).toBe(2);
  expect(await listKeys('retry/')).toEqual(['retry/ok']);
});

test('fault proxy: more failures than attempts surface as S3 InternalError', async () => {
  const client = createLocalS3Client(env.proxy!.endpoint, { maxAttempts: 2 });
  env.proxy!.failNext(5);
  const err = await client.send(new PutObjectCommand({ Bucket: bronze(), Key: 'retry/never', Body: 'x' })).catch((e) => e);
  client.destroy();
  expect(err).toBeInstanceOf(S3ServiceException);
  expect((err as S3ServiceException).name).toBe('InternalError');
  expect((err as S3ServiceException).$metadata.httpStatusCode).toBe(500);
  env.proxy!.clear();
  expect(await listKeys('retry/never')).toEqual([]);
});

test('fault proxy: a seeded fraction of failures, all absorbed by retries', async () => {
  const client = createLocalS3Client(env.proxy!.endpoint, { maxAttempts: 6 });
  env.proxy!.failFraction(0.3, { seed: 42, operations: ['PutObject'] });
  const before = env.proxy!.count('PutObject', 'failed');
  for (let i = 0; i < 12; i++) {
    await client.send(new PutObjectCommand({ Bucket: bronze(), Key: `frac/k${String(i).padStart(2, '0')}`, Body: 'x' }));
  }
  client.destroy();
  expect(env.proxy!.count('PutObject', 'failed') - before).toBeGreaterThan(0);
  expect(await listKeys('frac/')).toHaveLength(12);
});

test('fault proxy: a connection cut mid-upload leaves no object visible', async () => {
  const body = Buffer.alloc(16 * MB, 3);
  const key = 'cut/cog_dt_ingestion=2024-03-01/file_000.parquet';
  env.proxy!.dropUploadAfterParts(1);
  const upload = new Upload({
    client: env.faultyS3!,
    params: { Bucket: bronze(), Key: key, Body: body },
    partSize: 5 * MB,
    queueSize: 1,
  });
  await expect(upload.done()).rejects.toThrow();
  expect(env.proxy!.count('UploadPart', 'dropped')).toBeGreaterThan(0);
  expect(env.proxy!.count('CompleteMultipartUpload')).toBe(0);
  expect(await listKeys('cut/')).toEqual([]);
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bronze(), Key: key })).catch((e) => e);
  expect((head as S3ServiceException).$metadata.httpStatusCode).toBe(404);
});

/** A PUT of `total` bytes that sends only `first` of them and holds the rest. */
function startHeldPut(key: string, first: Buffer, total: number): { req: ClientRequest; answered: Promise<string> } {
  const req = request(`${env.endpoint}/${bronze()}/${key}`, { method: 'PUT', headers: { 'content-length': total } });
  const answered = new Promise<string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (err) => resolve(`error: ${err.message}`));
  });
  req.write(first);
  return { req, answered };
}

const getBytes = async (key: string) =>
  Buffer.from(await (await env.s3.send(new GetObjectCommand({ Bucket: bronze(), Key: key }))).Body!.transformToByteArray());

test('a PUT cut off mid-body leaves the previous object as it was and nothing else', async () => {
  const key = 'whole/cog_dt_ingestion=2024-03-03/file_000.parquet';
  const prefix = 'whole/cog_dt_ingestion=2024-03-03/';
  const previous = Buffer.alloc(2000, 5);
  await env.s3.send(new PutObjectCommand({ Bucket: bronze(), Key: key, Body: previous }));
  const held = startHeldPut(key, Buffer.alloc(1234, 6), 9000);
  held.req.destroy();
  expect(await held.answered).toMatch(/^error: /);
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bronze(), Key: key }));
  expect(head.ContentLength).toBe(previous.length);
  expect(md5(await getBytes(key))).toBe(md5(previous));
  expect(await listKeys(prefix)).toEqual([key]);
});
