/**
 * How workflows call activities: one proxy per kind of call, each with the
 * timeout and retry policy that kind needs. Timings come from the workflow's
 * input, so proxies are built inside the workflow after the input is parsed.
 */
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { INVALID_INPUT, NON_RETRYABLE_TYPES } from '../config/failures';
import type { Activities, AirbyteActivities, AlertActivities, ExtractActivities, MysqlActivities, StorageActivities } from '../activities/types';
import type { Timings } from './timings';

/** What each kind of call may reach: a proxy exposes only the activities its options suit. */
export type ProbeActivities = Pick<MysqlActivities, 'checkSourceConnectivity'> & StorageActivities;
export type QuickActivities = Pick<
  Activities,
  | 'countSourceRows'
  | 'listSourceTables'
  | 'measureFreshness'
  | 'measureReplicationLag'
  | 'findRecentFiles'
  | 'listPartition'
  | 'measurePartitionBytes'
  | 'getConnectionStatus'
  | 'setConnectionStatus'
  | 'triggerAirbyteSync'
  | 'planTableSync'
  | 'finishTableSync'
>;
export type InspectActivities = Pick<Activities, 'inspectPartition' | 'quarantinePartition' | 'reconcilePartition' | 'runQualityGates'>;
export type AirbyteWaitActivities = Pick<AirbyteActivities, 'waitForAirbyteJob'>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface ActivityProxies {
  /** Health probes: one attempt, a failed probe is an answer, not an error. */
  probe: ProbeActivities;
  /** Short reads and switches (counts, listings, connection status): a few quick retries. */
  quick: QuickActivities;
  /** Parquet inspection, quality gates, reconciliation, quarantine. */
  inspect: InspectActivities;
  /** Alerts: retried, never fatal to the caller. */
  alert: AlertActivities;
  /** Moving data: bounded by the sync timeout, heartbeating, uploads retried 3 times. */
  sync: (timeoutMs: number, retry?: ActivityOptions['retry']) => ExtractActivities;
  /** Waiting for an Airbyte job that polls with heartbeats. */
  airbyteWait: (timeoutMs: number, pollMs: number) => AirbyteWaitActivities;
}

export function activityProxies(t: Timings): ActivityProxies {
  return {
    probe: proxyActivities<ProbeActivities>({
      startToCloseTimeout: t.connectivityTimeoutMs + 30 * SECOND,
      retry: { maximumAttempts: 1 },
    }),
    quick: proxyActivities<QuickActivities>({
      startToCloseTimeout: 2 * MINUTE,
      // a cancelled caller waits for what is running (a finishTableSync writing _SUCCESS) to end
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    }),
    inspect: proxyActivities<InspectActivities>({
      startToCloseTimeout: t.inspectionTimeoutMs,
      retry: { initialInterval: 2 * SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
    }),
    alert: proxyActivities<AlertActivities>({
      startToCloseTimeout: 30 * SECOND,
      retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumInterval: 30 * SECOND, maximumAttempts: 5, nonRetryableErrorTypes: [INVALID_INPUT] },
    }),
    sync: (timeoutMs, retry) =>
      proxyActivities<ExtractActivities>({
        startToCloseTimeout: timeoutMs,
        heartbeatTimeout: t.syncHeartbeatTimeoutMs,
        // cancelled, a sync stops at its next heartbeat; the caller waits until it has stopped writing
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        retry: retry ?? { initialInterval: 10 * SECOND, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
      }),
    airbyteWait: (timeoutMs, pollMs) =>
      proxyActivities<AirbyteWaitActivities>({
        startToCloseTimeout: timeoutMs + 5 * MINUTE,
        heartbeatTimeout: 2 * pollMs + MINUTE,
        retry: { initialInterval: 10 * SECOND, maximumAttempts: 3, // A job that ran and failed stays failed: waiting again cannot change it.
        nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES, 'airbyte_failure'] },
      }),
  };
}
