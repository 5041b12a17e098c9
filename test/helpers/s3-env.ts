/**
 * A real S3 server (moto's, engines/s3-server.ts) for one test file.
 *
 *   import { startS3Env, type S3Env } from '../helpers/s3-env';
 *   let env: S3Env;
 *   beforeAll(async () => { env = await startS3Env({ faults: true }); });
 *   afterAll(() => env.shutdown());
 *
 *   env.s3           S3Client talking to the server directly (setup, assertions)
 *   env.faultyS3     S3Client going through the fault proxy (only with `faults: true`);
 *                    its SDK retries are on (maxAttempts 3, the SDK default)
 *   env.proxy        the S3FaultProxy (failNext, failFraction, dropUploadAfterParts, clear, log, count)
 *   env.buckets      Record<BucketRole, string>: the project's BUCKETS, all created
 *   env.endpoint     http://127.0.0.1:<port> of the server
 *   env.shutdown()   closes proxy, clients and server
 */
import { S3Client } from '@aws-sdk/client-s3';
import { BUCKETS, type BucketRole } from '../../config/pipelines';
import { startS3Server, type S3Server } from '../../engines/s3-server';
import { startS3FaultProxy, type S3FaultProxy } from '../../local/s3/faults';

export interface S3Env {
  s3: S3Client;
  faultyS3?: S3Client;
  proxy?: S3FaultProxy;
  buckets: Record<BucketRole, string>;
  endpoint: string;
  server: S3Server;
  shutdown(): Promise<void>;
}

export async function startS3Env(options: { faults?: boolean } = {}): Promise<S3Env> {
  const server = await startS3Server();
  const proxy = options.faults ? await startS3FaultProxy(server.endpoint) : undefined;
  return {
    s3: server.client(),
    faultyS3: proxy ? server.client(proxy.endpoint) : undefined,
    proxy,
    buckets: { ...BUCKETS },
    endpoint: server.endpoint,
    server,
    async shutdown() {
      await proxy?.close();
      await server.shutdown();
    },
  };
}
