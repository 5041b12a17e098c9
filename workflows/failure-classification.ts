/**
 * Reading the failure type out of an error: activities report outside-system
 * failures as ApplicationFailure whose `type` is a FailureType, which the SDK
 * wraps in ActivityFailure / ChildWorkflowFailure. Walk the cause chain.
 */
import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { INVALID_INPUT, failure, isFailureType, type FailureType } from '../config/failures';

export function failureTypeOf(err: unknown): FailureType {
  let current: unknown = err;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current instanceof ApplicationFailure && isFailureType(current.type)) return current.type;
    if (current instanceof TimeoutFailure) return 'connection_timeout';
    current = (current as { cause?: unknown }).cause;
  }
  return 'unknown';
}

/**
 * The message that says what failed, on one line, short: the first ApplicationFailure
 * of the chain (an activity's own message names the system and the object), else the
 * innermost message (SDK wrappers such as "Activity task failed" say nothing).
 */
/** Longest failure message carried on: room for a schema change naming a file's S3 location, its columns and types. */
export const MAX_FAILURE_MESSAGE = 600;

export function failureMessageOf(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; current && depth < 10; depth++) {
    if (current instanceof Error && current.message) message = current.message;
    if (current instanceof ApplicationFailure && current.message) break;
    current = (current as { cause?: unknown }).cause;
  }
  return message.replace(/\s+/g, ' ').slice(0, MAX_FAILURE_MESSAGE);
}

/** A workflow-level failure carrying a FailureType, so a parent or an operator reads the type back. */
export function failureOf(failureType: FailureType, message: string, cause?: unknown): ApplicationFailure {
  return failure(failureType, message, { cause, final: true });
}

/** Whether an error (or its cause) is the invalid-input refusal: nothing to recover, the request itself was wrong. */
export function isInvalidInput(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current instanceof ApplicationFailure && current.type === INVALID_INPUT) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
