/**
 * A local S3-compatible server (s3rver) on a directory, with the project's
 * buckets created, for the main job and the tests.
 *
 *   const s3 = await startLocalS3();            // temp dir, free port on 127.0.0.1
 *   const client = s3.client();                 // S3Client pointed at it
 *   await s3.shutdown();                        // closes the server and its clients
 *
 * Clients are configured the way s3rver understands: path-style addressing,
 * region us-east-2, the server's static dummy credentials, and checksums only
 * where an operation requires them (s3rver does not read the SDK's default
 * aws-chunked CRC32 trailers).
 *
 * One gap of s3rver is closed here: it decodes `x-amz-copy-source` with
 * decodeURI, which leaves %2F and %3D encoded, so CopyObject of a key such as
 * `…/cog_dt_ingestion=2024-01-01/…` sent URL-encoded (as S3 requires) would
 * miss. The front server re-encodes the header so s3rver reads the real key.
 * And ListObjectsV2 is answered by ./list-objects-v2 (s3rver's continuation
 * tokens use DES, which OpenSSL 3 refuses). And objects are written and read
 * whole, as S3's are (./whole-objects): s3rver wrote a body in place, so a
 * reader could see part of an object.
 */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { BUCKETS } from '../../config/pipelines';
import { answerListObjectsV2, sendS3Error, type S3rverStore } from './list-objects-v2';
import { serveWholeObjects, type FilesystemStore } from './whole-objects';

// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  store: S3rverStore & FilesystemStore;
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
};

/** The access key pair s3rver accepts out of the box; not a secret. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_S3_REGION = 'us-east-2';

export interface LocalS3Options {
  /** Directory holding the buckets; a fresh temp directory (removed at shutdown) by default. */
  dir?: string;
  /** Port on 127.0.0.1; a free one by default. */
  port?: number;
  /** Buckets to create; the project's BUCKETS by default. */
  buckets?: string[];
}

export interface LocalS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  dir: string;
  /** A new S3Client for this server (or for another endpoint, e.g. a fault proxy in front of it). */
  client(endpoint?: string): S3Client;
  shutdown(): Promise<void>;
}

/** An S3Client for a local S3-compatible endpoint (path style, dummy credentials, checksums only when required). */
export function createLocalS3Client(endpoint: string, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_S3_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts,
  });
}

export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new Error(`startLocalS3: invalid port ${JSON.stringify(options.port)}: expected an integer 0..65535`);
  }
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'local-s3-'));
  mkdirSync(dir, { recursive: true });
  const buckets = options.buckets ?? Object.values(BUCKETS);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: dir,
    silent: process.env.LOCAL_S3_VERBOSE !== "1",
    vhostBuckets: false,
    allowMismatchedSignatures: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await server.configureBuckets();
  serveWholeObjects(server.store);
  const handle = server.callback();
  const http = createServer((req, res) => {
    const copySource = req.headers['x-amz-copy-source'];
    if (typeof copySource === 'string') {
      try {
        req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(copySource));
      } catch {
        // not valid percent-encoding: let s3rver answer with its own error
      }
    }
    answerListObjectsV2(server.store, req, res).then(
      (answered) => {
        if (!answered) handle(req, res);
      },
      (err: Error) => sendS3Error(res, 500, 'InternalError', err.message),
    );
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    http.once('error', (err) =>
      reject(new Error(`startLocalS3: cannot listen on 127.0.0.1:${options.port ?? 0}: ${err.message}`)),
    );
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve(http.address() as AddressInfo));
  });
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    port: address.port,
    dir,
    client(target = endpoint) {
      const client = createLocalS3Client(target);
      clients.push(client);
      return client;
    },
    async shutdown() {
      for (const client of clients.splice(0)) client.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
