/**
 * S3 errors turned into the contract's failures: an ApplicationFailure whose
 * type is a FailureType (or 'invalid_input'), with one line naming the
 * operation, bucket and key. Credentials never appear: S3 error messages do
 * not carry them and nothing here prints request headers.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FailureType } from '../../config/failures';

const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);
const MISSING_CODES = new Set(['NoSuchBucket', 'NoSuchKey', 'NotFound']);
const TIMEOUT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The S3 error code or the Node network code of an error, or its name. */
export function s3ErrorCode(err: unknown): string {
  const e = (err ?? {}) as SdkLikeError;
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

export function s3HttpStatus(err: unknown): number | undefined {
  return ((err ?? {}) as SdkLikeError).$metadata?.httpStatusCode;
}

export function isS3NotFound(err: unknown): boolean {
  return MISSING_CODES.has(s3ErrorCode(err)) || s3HttpStatus(err) === 404;
}

export function classifyS3Failure(err: unknown): { type: FailureType | 'invalid_input'; nonRetryable: boolean } {
  const code = s3ErrorCode(err);
  const status = s3HttpStatus(err);
  if (AUTH_CODES.has(code) || status === 403) return { type: 'authentication_failed', nonRetryable: false };
  if (code === 'NoSuchBucket') return { type: 'invalid_input', nonRetryable: true };
  if (TIMEOUT_CODES.has(code)) return { type: 'connection_timeout', nonRetryable: false };
  if (NETWORK_CODES.has(code)) return { type: 'network_partition', nonRetryable: false };
  return { type: 'unknown', nonRetryable: false };
}

/** `S3 CopyObject s3://bucket/key failed: SlowDown (HTTP 503): Please reduce your request rate.` as an ApplicationFailure. */
export function s3Failure(err: unknown, operation: string, bucket: string, key = ''): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const code = s3ErrorCode(err);
  const status = s3HttpStatus(err);
  const detail = ((err as SdkLikeError)?.message ?? String(err)).split('\n')[0];
  const { type, nonRetryable } = classifyS3Failure(err);
  return ApplicationFailure.create({
    type,
    nonRetryable,
    message: `S3 ${operation} s3://${bucket}/${key} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${detail}`,
    cause: err instanceof Error ? err : undefined,
  });
}

/** Runs one S3 call, rethrowing its failure as a classified ApplicationFailure naming bucket and key. */
export async function withS3<T>(operation: string, bucket: string, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw s3Failure(err, operation, bucket, key);
  }
}

export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'invalid_input', nonRetryable: true, message });
}
