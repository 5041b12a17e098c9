/**
 * How workflows call activities: one proxy per kind of call, each with the
 * timeout and retry policy that kind needs. Timings come from the workflow's
 * input, so proxies are built inside the workflow after the input is parsed.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import type { Timings } from './timings';

/** Failure types that no retry of the same call can fix. */
export const NON_RETRYABLE_TYPES = ['invalid_input', 'authentication_failed', 'schema_change', 'data_corruption'];

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface ActivityProxies {
  /** Health probes: one attempt, a failed probe is an answer, not an error. */
  probe: Activities;
  /** Short reads and switches (counts, listings, connection status): a few quick retries. */
  quick: Activities;
  /** Parquet inspection, quality gates, reconciliation, quarantine. */
  inspect: Activities;
  /** Alerts: retried, never fatal to the caller. */
  alert: Activities;
  /** Moving data: bounded by the sync timeout, heartbeating, uploads retried 3 times. */
  sync: (timeoutMs: number, retry?: ActivityOptions['retry']) => Activities;
  /** Waiting for an Airbyte job that polls with heartbeats. */
  airbyteWait: (timeoutMs: number, pollMs: number) => Activities;
}

export function activityProxies(t: Timings): ActivityProxies {
  return {
    probe: proxyActivities<Activities>({
      startToCloseTimeout: t.connectivityTimeoutMs + 30 * SECOND,
      retry: { maximumAttempts: 1 },
    }),
    quick: proxyActivities<Activities>({
      startToCloseTimeout: 2 * MINUTE,
      retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    }),
    inspect: proxyActivities<Activities>({
      startToCloseTimeout: t.inspectionTimeoutMs,
      retry: { initialInterval: 2 * SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    }),
    alert: proxyActivities<Activities>({
      startToCloseTimeout: 30 * SECOND,
      retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumInterval: 30 * SECOND, maximumAttempts: 5, nonRetryableErrorTypes: ['invalid_input'] },
    }),
    sync: (timeoutMs, retry) =>
      proxyActivities<Activities>({
        startToCloseTimeout: timeoutMs,
        heartbeatTimeout: t.syncHeartbeatTimeoutMs,
        retry: retry ?? { initialInterval: 10 * SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
      }),
    airbyteWait: (timeoutMs, pollMs) =>
      proxyActivities<Activities>({
        startToCloseTimeout: timeoutMs + 5 * MINUTE,
        heartbeatTimeout: 2 * pollMs + MINUTE,
        retry: { initialInterval: 10 * SECOND, maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES, 'airbyte_failure'] },
      }),
  };
}
