import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, NON_RETRYABLE_TYPES, RETRYABLE, failure, invalidInput, isRetryable } from '../../config/failures';
import { classifyS3Failure, s3Failure } from '../../activities/s3/s3-errors';
import { mysqlFailure } from '../../activities/engine/extract-failures';

test('every failure type has one retryability, and the retry policies list exactly the final ones', () => {
  for (const type of FAILURE_TYPES) expect(typeof RETRYABLE[type]).toBe('boolean');
  expect([...NON_RETRYABLE_TYPES].sort()).toEqual(['authentication_failed', 'data_corruption', 'duplicate_run', 'invalid_input', 'schema_change']);
  expect(isRetryable('primary_db_down')).toBe(true);
  expect(isRetryable('authentication_failed')).toBe(false);
});

test('a failure built for a final type is final, whatever the caller asks', () => {
  expect(failure('schema_change', 'x').nonRetryable).toBe(true);
  expect(failure('connection_timeout', 'x').nonRetryable).toBe(false);
  expect(failure('airbyte_failure', 'job failed', { final: true }).nonRetryable).toBe(true);
  const refused = invalidInput('date: no such day');
  expect(refused).toBeInstanceOf(ApplicationFailure);
  expect(refused.type).toBe('invalid_input');
  expect(refused.nonRetryable).toBe(true);
});

test('an S3 authentication error and a MySQL one agree with the table: not retried', () => {
  const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  expect(classifyS3Failure(denied)).toBe('authentication_failed');
  const fromS3 = s3Failure(denied, 'PutObject', 'bucket', 'key');
  expect(fromS3.type).toBe('authentication_failed');
  expect(fromS3.nonRetryable).toBe(true);
  const fromMysql = mysqlFailure(Object.assign(new Error('Access denied for user'), { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), 'acode/primary', 't');
  expect(fromMysql.type).toBe('authentication_failed');
  expect(fromMysql.nonRetryable).toBe(true);
  const outage = s3Failure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'GetObject', 'bucket', 'key');
  expect(outage.nonRetryable).toBe(false);
});

test('S3 not answering (503 SlowDown, 500 InternalError) is storage_unavailable: retried, waited out by recovery', () => {
  const slowDown = Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
  expect(classifyS3Failure(slowDown)).toBe('storage_unavailable');
  expect(classifyS3Failure(Object.assign(new Error('internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }))).toBe('storage_unavailable');
  expect(s3Failure(slowDown, 'PutObject', 'bucket', 'key').nonRetryable).toBe(false);
});
