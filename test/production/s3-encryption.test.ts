/**
 * Every object the project writes is encrypted at rest: the SSE header, as
 * seen on the wire by a recording proxy in front of the local S3, on PutObject,
 * CreateMultipartUpload and CopyObject made through the worker's S3 client
 * (single-part and multipart lib-storage uploads, the quarantine copy).
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { applyServerSideEncryption } from '../../activities/s3/s3-encryption';
import { createS3Activities } from '../../activities/s3/s3';
import { loadEnvConfig } from '../../config/env';
import { partitionPrefix } from '../../config/pipelines';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { s3ClientFor } from '../../worker/worker';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

async function recordingProxy(target: string): Promise<{ endpoint: string; seen: Seen[]; server: Server }> {
  const upstream = new URL(target);
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return { endpoint: `http://127.0.0.1:${port}`, seen, server };
}

const sse = (s: Seen) => s.headers['x-amz-server-side-encryption'];
const isCreateMultipart = (s: Seen) => s.method === 'POST' && /[?&]uploads(=|&|$)/.test(s.url);
const isUploadPart = (s: Seen) => s.method === 'PUT' && /[?&]partNumber=/.test(s.url);
const isCopy = (s: Seen) => s.method === 'PUT' && Boolean(s.headers['x-amz-copy-source']);
const isPlainPut = (s: Seen) => s.method === 'PUT' && !isUploadPart(s) && !isCopy(s);

describe('server-side encryption on every write', () => {
  let env: S3Env;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    env = await startS3Env();
    proxy = await recordingProxy(env.endpoint);
  });
  afterAll(async () => {
    proxy.server.closeAllConnections();
    await new Promise((r) => proxy.server.close(r));
    await env.shutdown();
  });
  beforeEach(() => proxy.seen.splice(0));

  it('puts, multipart uploads and quarantine copies all carry x-amz-server-side-encryption: AES256', async () => {
    const s3 = applyServerSideEncryption(env.server.client(proxy.endpoint), 'AES256');
    const date = '2024-05-01';
    const prefix = partitionPrefix('acode', 'farmarcas_si_analitico_diario_produtos', date);
    await s3.send(new PutObjectCommand({ Bucket: env.buckets.bronze, Key: `${prefix}_SUCCESS`, Body: '' }));
    await new Upload({ client: s3, params: { Bucket: env.buckets.bronze, Key: `${prefix}file_a.parquet`, Body: Buffer.alloc(1024, 1) } }).done();
    await new Upload({ client: s3, partSize: 5 * 1024 * 1024, params: { Bucket: env.buckets.bronze, Key: `${prefix}file_b.parquet`, Body: Buffer.alloc(6 * 1024 * 1024, 2) } }).done();
    const moved = await createS3Activities({ s3, buckets: env.buckets }).quarantinePartition({
      bucket: 'bronze',
      system: 'acode',
      stream: 'farmarcas_si_analitico_diario_produtos',
      date,
      reason: 'test',
    });
    expect(moved.moved).toBe(3);

    const writes = proxy.seen.filter((s) => isPlainPut(s) || isCreateMultipart(s) || isCopy(s));
    expect(proxy.seen.filter(isPlainPut)).toHaveLength(2);
    expect(proxy.seen.filter(isCreateMultipart)).toHaveLength(1);
    expect(proxy.seen.filter(isCopy)).toHaveLength(3);
    for (const write of writes) expect([write.method, write.url.split('?')[0], sse(write)]).toEqual([write.method, write.url.split('?')[0], 'AES256']);
    // Parts inherit the encryption of their upload; S3 refuses the header there.
    const parts = proxy.seen.filter(isUploadPart);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) expect(sse(part)).toBeUndefined();
  });

  it('a caller that chose an encryption keeps it; S3_SSE=none sends no header', async () => {
    const kms = applyServerSideEncryption(env.server.client(proxy.endpoint), 'AES256');
    await kms.send(new PutObjectCommand({ Bucket: env.buckets.backup, Key: 'chosen', Body: 'x', ServerSideEncryption: 'aws:kms' })).catch(() => undefined);
    expect(sse(proxy.seen[0])).toBe('aws:kms');
    proxy.seen.splice(0);
    const plain = applyServerSideEncryption(env.server.client(proxy.endpoint), 'none');
    await plain.send(new PutObjectCommand({ Bucket: env.buckets.backup, Key: 'plain', Body: 'x' }));
    expect(proxy.seen).toHaveLength(1);
    expect(sse(proxy.seen[0])).toBeUndefined();
    expect(() => applyServerSideEncryption(plain, 'AES128' as never)).toThrow('invalid configuration: S3_SSE: expected AES256 or none, got "AES128"');
  });

  it("the worker's S3 client encrypts by default (S3_SSE unset)", async () => {
    const config = loadEnvConfig({ S3_ENDPOINT: proxy.endpoint });
    expect(config.S3_SSE).toBe('AES256');
    // The SDK reads credentials from the environment, as the worker does.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    try {
      await s3ClientFor(config).send(new PutObjectCommand({ Bucket: env.buckets.bronze, Key: 'worker-client', Body: 'x' }));
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(proxy.seen.filter(isPlainPut).map(sse)).toEqual(['AES256']);
  });
});
