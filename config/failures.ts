/**
 * The failure types recovery understands, whether a retry of the same call can
 * fix each, and the one builder of the failures activities and workflows throw.
 * Pure (ApplicationFailure is plain data): workflows import this module.
 */
import { ApplicationFailure } from '@temporalio/common';

export const FAILURE_TYPES = [
  'connection_timeout',
  'network_partition',
  'authentication_failed',
  'primary_db_down',
  'data_corruption',
  'schema_change',
  'airbyte_failure',
  'stale_data',
  /** The lake's storage (S3) not answering: 5xx, SlowDown, ServiceUnavailable. Neither source helps; waiting does. */
  'storage_unavailable',
  'unknown',
] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

/** The error type of input that can never succeed: refused before any I/O, never retried. */
export const INVALID_INPUT = 'invalid_input';

/** A second start of work that already ran or runs (a day's sync): refused, nothing to recover. */
export const DUPLICATE_RUN = 'duplicate_run';

/** Every `type` an activity or workflow failure carries. */
export type ErrorType = FailureType | typeof INVALID_INPUT | typeof DUPLICATE_RUN;

/**
 * Whether retrying the same call can succeed. Read by the activity retry
 * policies (workflows/activity-options.ts) and by every failure built here, so
 * a type the table calls final is final everywhere. Credentials, schemas, bad
 * input and damaged data need a person or another strategy, not a retry.
 */
export const RETRYABLE: Readonly<Record<ErrorType, boolean>> = {
  connection_timeout: true,
  network_partition: true,
  authentication_failed: false,
  primary_db_down: true,
  data_corruption: false,
  schema_change: false,
  airbyte_failure: true,
  stale_data: true,
  storage_unavailable: true,
  unknown: true,
  invalid_input: false,
  duplicate_run: false,
};

/** The types no retry can fix, for `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_TYPES: string[] = Object.entries(RETRYABLE)
  .filter(([, retryable]) => !retryable)
  .map(([type]) => type);

export function isFailureType(value: unknown): value is FailureType {
  return typeof value === 'string' && (FAILURE_TYPES as readonly string[]).includes(value);
}

export function isRetryable(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(RETRYABLE, type) ? (RETRYABLE as Record<string, boolean>)[type] : true;
}

export interface FailureOptions {
  cause?: unknown;
  details?: unknown[];
  /**
   * This failure is final although its type is retryable (an Airbyte job that
   * ran and failed: retrying the wait cannot change its outcome). A type the
   * table calls final can never be made retryable.
   */
  final?: boolean;
}

/** The one way a failure of the contract is built: its retryability comes from RETRYABLE. */
export function failure(type: ErrorType, message: string, options: FailureOptions = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !RETRYABLE[type] || options.final === true,
    details: options.details,
    cause: options.cause instanceof Error ? options.cause : undefined,
  });
}

/** A refused input: one line naming what is wrong and where. */
export function invalidInput(message: string): ApplicationFailure {
  return failure(INVALID_INPUT, message);
}
