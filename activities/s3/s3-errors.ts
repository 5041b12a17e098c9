/**
 * S3 errors turned into the contract's failures: an ApplicationFailure whose
 * type is an ErrorType (config/failures.ts), with one line naming the
 * operation, bucket and key. Credentials never appear: S3 error messages do
 * not carry them and nothing here prints request headers.
 */
import { ApplicationFailure } from '@temporalio/common';
import { failure, INVALID_INPUT, type ErrorType } from '../../config/failures';

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
/** S3 itself not answering (throttling, an outage): the call may succeed later, from either source. */
const UNAVAILABLE_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'Throttling', 'ThrottlingException']);
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

/** The failure type of an S3 error; whether it is retried follows config/failures.ts. */
export function classifyS3Failure(err: unknown): ErrorType {
  const code = s3ErrorCode(err);
  const status = s3HttpStatus(err);
  if (AUTH_CODES.has(code) || status === 403) return 'authentication_failed';
  if (code === 'NoSuchBucket') return INVALID_INPUT;
  if (TIMEOUT_CODES.has(code)) return 'connection_timeout';
  if (NETWORK_CODES.has(code)) return 'network_partition';
  if (UNAVAILABLE_CODES.has(code) || (status !== undefined && status >= 500)) return 'storage_unavailable';
  return 'unknown';
}

/** `S3 CopyObject s3://bucket/key failed: SlowDown (HTTP 503): Please reduce your request rate.` as an ApplicationFailure. */
export function s3Failure(err: unknown, operation: string, bucket: string, key = ''): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const code = s3ErrorCode(err);
  const status = s3HttpStatus(err);
  const detail = ((err as SdkLikeError)?.message ?? String(err)).split('\n')[0];
  return failure(classifyS3Failure(err), `S3 ${operation} s3://${bucket}/${key} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: err });
}

/** Runs one S3 call, rethrowing its failure as a classified ApplicationFailure naming bucket and key. */
export async function withS3<T>(operation: string, bucket: string, key: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw s3Failure(err, operation, bucket, key);
  }
}
