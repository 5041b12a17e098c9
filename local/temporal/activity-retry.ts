/**
 * Pure retry math for activities, as Temporal applies it: exponential backoff
 * bounded by the maximum interval, attempts bounded by maximumAttempts, no retry
 * for non-retryable failures, and none past the schedule-to-close deadline.
 */

export interface RetryPolicyMs {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 = unlimited. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface AttemptFailure {
  /** ApplicationFailure type, when the failure is one. */
  type?: string;
  /** ApplicationFailure's nonRetryable flag. */
  nonRetryable?: boolean;
  /** Delay the failure asked for (ApplicationFailure nextRetryDelay). */
  nextRetryDelayMs?: number;
}

/** RetryState values of temporal.api.enums.v1.RetryState. */
export const RetryState = {
  IN_PROGRESS: 1,
  NON_RETRYABLE_FAILURE: 2,
  TIMEOUT: 3,
  MAXIMUM_ATTEMPTS_REACHED: 4,
  RETRY_POLICY_NOT_SET: 5,
} as const;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; retryState: number };

/** Fills Temporal's defaults: 1 s initial interval, coefficient 2, maximum 100 x initial, unlimited attempts. */
export function withRetryDefaults(policy: Partial<RetryPolicyMs> | undefined): RetryPolicyMs {
  const initialIntervalMs = policy?.initialIntervalMs && policy.initialIntervalMs > 0 ? policy.initialIntervalMs : 1000;
  const backoffCoefficient = policy?.backoffCoefficient && policy.backoffCoefficient >= 1 ? policy.backoffCoefficient : 2;
  const maximumIntervalMs = policy?.maximumIntervalMs && policy.maximumIntervalMs > 0 ? policy.maximumIntervalMs : 100 * initialIntervalMs;
  if (maximumIntervalMs < initialIntervalMs) {
    throw new Error(`retry policy: maximumInterval (${maximumIntervalMs} ms) is below initialInterval (${initialIntervalMs} ms)`);
  }
  const maximumAttempts = policy?.maximumAttempts ?? 0;
  if (maximumAttempts < 0) throw new Error(`retry policy: maximumAttempts must not be negative, got ${maximumAttempts}`);
  return { initialIntervalMs, backoffCoefficient, maximumIntervalMs, maximumAttempts, nonRetryableErrorTypes: policy?.nonRetryableErrorTypes ?? [] };
}

/** Backoff before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. */
export function backoffDelayMs(policy: RetryPolicyMs, attempt: number): number {
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, attempt - 1));
  return Math.min(raw, policy.maximumIntervalMs);
}

/**
 * Decides whether attempt `attempt` (1-based) is retried.
 * `deadline` is the schedule-to-close deadline on the service clock, if any.
 */
export function decideActivityRetry(args: {
  policy: RetryPolicyMs;
  attempt: number;
  failure: AttemptFailure;
  now: number;
  deadline?: number;
}): RetryDecision {
  const { policy, attempt, failure, now, deadline } = args;
  if (failure.nonRetryable) return { retry: false, retryState: RetryState.NON_RETRYABLE_FAILURE };
  if (failure.type !== undefined && policy.nonRetryableErrorTypes.includes(failure.type)) {
    return { retry: false, retryState: RetryState.NON_RETRYABLE_FAILURE };
  }
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) {
    return { retry: false, retryState: RetryState.MAXIMUM_ATTEMPTS_REACHED };
  }
  const delayMs = failure.nextRetryDelayMs !== undefined && failure.nextRetryDelayMs > 0 ? failure.nextRetryDelayMs : backoffDelayMs(policy, attempt);
  if (deadline !== undefined && now + delayMs >= deadline) return { retry: false, retryState: RetryState.TIMEOUT };
  return { retry: true, delayMs };
}
