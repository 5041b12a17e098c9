/**
 * Whether the lake's storage answers: one HeadBucket on a bucket, bounded by a
 * timeout. A failed check is an answer (ok: false, with the failure type and
 * one line naming the bucket), not an error: the recovery asks it while S3 is
 * down to know when a re-run can land.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { BUCKETS, isBucketRole } from '../../config/pipelines';
import { invalidInput, isFailureType } from '../../config/failures';
import type { ConnectivityResult, StorageActivities } from '../types';
import { classifyS3Failure, s3Failure } from './s3-errors';
import type { S3Deps } from './s3';

export function createStorageCheckActivities(deps: S3Deps): StorageActivities {
  const buckets = deps.buckets ?? BUCKETS;
  return {
    async checkLakeStorage(input) {
      if (!isBucketRole(input?.bucket)) throw invalidInput(`checkLakeStorage: unknown bucket role ${JSON.stringify(input?.bucket)}`);
      const timeoutMs = input.timeoutMs ?? 30_000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidInput(`checkLakeStorage: invalid timeoutMs ${input.timeoutMs}`);
      const bucket = buckets[input.bucket];
      const started = Date.now();
      try {
        await deps.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) });
        return { ok: true, latencyMs: Date.now() - started } satisfies ConnectivityResult;
      } catch (err) {
        const type = classifyS3Failure(err);
        return {
          ok: false,
          latencyMs: Date.now() - started,
          // a bucket that does not exist is the deployment's mistake, not a failure of the storage
          failureType: isFailureType(type) ? type : 'unknown',
          error: s3Failure(err, 'HeadBucket', bucket).message,
        } satisfies ConnectivityResult;
      }
    },
  };
}
