import { backoffDelayMs, decideActivityRetry, RetryState, withRetryDefaults } from '../../local/temporal/activity-retry';

const policy = withRetryDefaults({ initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 5000, maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidInput'] });

test('defaults follow Temporal: 1 s initial, coefficient 2, maximum 100 x initial, unlimited attempts', () => {
  expect(withRetryDefaults(undefined)).toEqual({ initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100_000, maximumAttempts: 0, nonRetryableErrorTypes: [] });
});

test('backoff grows by the coefficient and stops at the maximum interval', () => {
  expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(policy, a))).toEqual([1000, 2000, 4000, 5000, 5000]);
});

test('retries until maximum attempts', () => {
  expect(decideActivityRetry({ policy, attempt: 4, failure: {}, now: 0 })).toEqual({ retry: true, delayMs: 5000 });
  expect(decideActivityRetry({ policy, attempt: 5, failure: {}, now: 0 })).toEqual({ retry: false, retryState: RetryState.MAXIMUM_ATTEMPTS_REACHED });
});

test('non-retryable flag and listed error types stop retries', () => {
  expect(decideActivityRetry({ policy, attempt: 1, failure: { nonRetryable: true }, now: 0 })).toEqual({ retry: false, retryState: RetryState.NON_RETRYABLE_FAILURE });
  expect(decideActivityRetry({ policy, attempt: 1, failure: { type: 'InvalidInput' }, now: 0 })).toEqual({ retry: false, retryState: RetryState.NON_RETRYABLE_FAILURE });
  expect(decideActivityRetry({ policy, attempt: 1, failure: { type: 'Transient' }, now: 0 })).toEqual({ retry: true, delayMs: 1000 });
});

test('next retry delay from the failure wins over the backoff', () => {
  expect(decideActivityRetry({ policy, attempt: 1, failure: { nextRetryDelayMs: 30_000 }, now: 0 })).toEqual({ retry: true, delayMs: 30_000 });
});

test('no retry whose start would pass the schedule-to-close deadline', () => {
  expect(decideActivityRetry({ policy, attempt: 2, failure: {}, now: 10_000, deadline: 11_500 })).toEqual({ retry: false, retryState: RetryState.TIMEOUT });
  expect(decideActivityRetry({ policy, attempt: 2, failure: {}, now: 10_000, deadline: 12_500 })).toEqual({ retry: true, delayMs: 2000 });
});

test('an inconsistent policy is rejected with a clear message', () => {
  expect(() => withRetryDefaults({ initialIntervalMs: 5000, maximumIntervalMs: 1000 })).toThrow('retry policy: maximumInterval (1000 ms) is below initialInterval (5000 ms)');
  expect(() => withRetryDefaults({ maximumAttempts: -1 })).toThrow('maximumAttempts must not be negative');
});
