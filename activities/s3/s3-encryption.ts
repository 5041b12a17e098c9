/**
 * Server-side encryption on every object the project writes, in one place:
 * an S3Client middleware that sets `ServerSideEncryption` on PutObject,
 * CreateMultipartUpload (lib-storage's Upload uses both) and CopyObject
 * (quarantine, reconciliation) unless the call already chose one.
 *
 *   applyServerSideEncryption(s3, 'AES256');   // S3_SSE=AES256 (default)
 *   applyServerSideEncryption(s3, 'none');     // for servers that refuse the header
 */
import type { S3Client, ServerSideEncryption } from '@aws-sdk/client-s3';

export type SseMode = 'AES256' | 'none';

/** The commands that create an object; UploadPart inherits the encryption of its multipart upload. */
export const ENCRYPTED_WRITES = ['PutObjectCommand', 'CreateMultipartUploadCommand', 'CopyObjectCommand'] as const;

const MIDDLEWARE_NAME = 'serverSideEncryptionOnWrites';

export function applyServerSideEncryption(client: S3Client, mode: SseMode): S3Client {
  if (mode !== 'AES256' && mode !== 'none') {
    throw new Error(`invalid configuration: S3_SSE: expected AES256 or none, got ${JSON.stringify(mode)}`);
  }
  client.middlewareStack.remove(MIDDLEWARE_NAME);
  if (mode === 'none') return client;
  const sse: ServerSideEncryption = mode;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((ENCRYPTED_WRITES as readonly string[]).includes(context.commandName ?? '')) {
        const input = args.input as { ServerSideEncryption?: ServerSideEncryption };
        if (!input.ServerSideEncryption) args = { ...args, input: { ...input, ServerSideEncryption: sse } as typeof args.input };
      }
      return next(args);
    },
    { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
  );
  return client;
}
