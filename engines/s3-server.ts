/**
 * A real S3 server for the embedded stack and the tests: moto's standalone server
 * (engines/install.sh installs it from PyPI), in memory, on a port of 127.0.0.1, in a
 * process group of its own, with the project's buckets created.
 *
 *   const s3 = await startS3Server();           // a free port, the project's BUCKETS
 *   const client = s3.client();                 // an S3Client pointed at it
 *   await s3.shutdown();                        // closes its clients, stops the server
 *
 * moto answers S3's REST API as S3 does: objects are written whole, ListObjectsV2 lists
 * keys in UTF-8 binary order with prefixes, delimiters and continuation tokens, multipart
 * uploads refuse parts under 5 MiB, errors carry S3's codes. It accepts any access key.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { BUCKETS } from '../config/pipelines';
import { findFreePort } from '../local/mariadb/free-port';
import { engineExecutable } from './executables';
import { spawnGroup, stopGroup } from './process-group';

/** The access key pair the stack's clients present; moto accepts any, so it is no secret. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'local-s3-access-key', secretAccessKey: 'local-s3-secret-key' } as const;
const LOCAL_S3_REGION = 'us-east-2';

interface S3ServerOptions {
  /** Port on 127.0.0.1; a free one by default. */
  port?: number;
  /** Buckets to create; the project's BUCKETS by default. */
  buckets?: string[];
  /** How long the server may take to answer (default 60 s: a loaded machine). */
  startTimeoutMs?: number;
}

export interface S3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  /** A new S3Client for this server (or for another endpoint, e.g. a fault proxy in front of it). */
  client(endpoint?: string): S3Client;
  shutdown(): Promise<void>;
}

/** An S3Client for a local S3 endpoint: path-style addressing, the local key pair. */
export function createLocalS3Client(endpoint: string, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_S3_CREDENTIALS },
    maxAttempts: options.maxAttempts,
  });
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)) {
    throw new Error(`startS3Server: invalid port ${JSON.stringify(options.port)}: expected an integer 1..65535`);
  }
  const moto = engineExecutable('moto_server');
  const port = options.port ?? (await findFreePort());
  const server = spawnGroup(moto, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { PATH: process.env.PATH ?? '', AWS_DEFAULT_REGION: LOCAL_S3_REGION, PYTHONUNBUFFERED: '1' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const shutdown = async () => {
    for (const client of clients.splice(0)) client.destroy();
    await stopGroup(server);
  };
  try {
    await server.waitFor(/Running on http/, options.startTimeoutMs ?? 60_000);
    const admin = createLocalS3Client(endpoint);
    clients.push(admin);
    for (const bucket of options.buckets ?? Object.values(BUCKETS)) {
      await admin.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: LOCAL_S3_REGION } }));
    }
  } catch (err) {
    await shutdown();
    throw new Error(`moto's S3 server on ${endpoint} did not start: ${(err as Error).message}`);
  }
  return {
    endpoint,
    port,
    client(target = endpoint) {
      const client = createLocalS3Client(target);
      clients.push(client);
      return client;
    },
    shutdown,
  };
}
