import { CronExpressionParser } from 'cron-parser';
import { backoffDelayMs, decideActivityRetry, RetryState, withRetryDefaults, type RetryDecision } from './activity-retry';
import { invalidArgument } from './errors';
import { durationMs, enums, type Failure, type Payloads, type temporal } from './proto';
import type { WorkflowRun } from './workflow-run';

const ET = enums.EventType;
const WS = enums.WorkflowExecutionStatus;
const INITIATOR = enums.ContinueAsNewInitiator;
type StartedAttributes = temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes;

/** What a run closing into the next one of its chain needs from the service. */
export interface ChainHost {
  now(): number;
  /** Starts the next run of `run`'s chain (same id), its first workflow task after `backoffMs`. */
  startChainedRun(run: WorkflowRun, next: ChainedRun): WorkflowRun;
}

export interface ChainedRun {
  newRunId: string;
  initiator: number;
  backoffMs: number;
  attempt: number;
  lastCompletionResult?: Payloads | null;
  continuedFailure?: Failure | null;
}

/**
 * Next time of a workflow's cronSchedule after `afterMs`, as Temporal's server computes it
 * (robfig/cron's standard parser: 5 fields or @hourly/@daily/…, UTC unless CRON_TZ= names a zone).
 */
export function nextCronTime(cronSchedule: string, afterMs: number): number {
  let expression = cronSchedule.trim();
  let tz = 'UTC';
  const zone = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(expression);
  if (zone) {
    tz = zone[1];
    expression = expression.slice(zone[0].length);
  }
  const fields = expression.split(/\s+/);
  if (!expression.startsWith('@') && fields.length !== 5) throw invalidArgument(`Invalid CronSchedule, failed to parse: "${cronSchedule}": expected exactly 5 fields`);
  try {
    return CronExpressionParser.parse(expression, { currentDate: new Date(afterMs), tz }).next().getTime();
  } catch (err) {
    throw invalidArgument(`Invalid CronSchedule, failed to parse: "${cronSchedule}": ${(err as Error).message}`);
  }
}

/** The cron backoff of a closing run: from its close to the first cron time after it (GetBackoffForNextSchedule). */
function cronBackoffMs(cronSchedule: string, closeMs: number): number {
  return nextCronTime(cronSchedule, closeMs) - closeMs;
}

function startedAttributes(run: WorkflowRun): StartedAttributes {
  return run.events[0]?.workflowExecutionStartedEventAttributes ?? {};
}

/** Whether a failed or timed-out run is retried under the workflow's retry policy (GetRetryBackoffDuration). */
function retryOf(run: WorkflowRun, failure: Failure | null | undefined, timedOut: boolean): RetryDecision {
  const started = startedAttributes(run);
  const rp = started.retryPolicy;
  if (!rp) return { retry: false, retryState: RetryState.RETRY_POLICY_NOT_SET };
  const policy = withRetryDefaults({
    initialIntervalMs: durationMs(rp.initialInterval), backoffCoefficient: rp.backoffCoefficient ?? undefined,
    maximumIntervalMs: durationMs(rp.maximumInterval), maximumAttempts: rp.maximumAttempts ?? 0, nonRetryableErrorTypes: rp.nonRetryableErrorTypes ?? [],
  });
  const info = failure?.applicationFailureInfo;
  const attempt = Number(started.attempt ?? 1);
  const decision = decideActivityRetry({
    policy, attempt, now: run.host.now(), deadline: run.expirationTime,
    failure: timedOut ? {} : { type: info?.type ?? undefined, nonRetryable: info?.nonRetryable ?? false, nextRetryDelayMs: durationMs(info?.nextRetryDelay) },
  });
  return decision.retry ? { retry: true, delayMs: decision.delayMs || backoffDelayMs(policy, attempt) } : decision;
}

export type RunClose =
  | { kind: 'completed'; result: Payloads | null | undefined; completedEventId: number }
  | { kind: 'failed'; failure: Failure | null | undefined; completedEventId: number }
  | { kind: 'timed_out' };

/**
 * Closes a run as Temporal's history service does: a failure or timeout retried under the
 * workflow retry policy starts the next attempt; otherwise a cron workflow starts its next
 * run at the next cron time. The close event names the new run (newExecutionRunId).
 */
export function closeRun(host: ChainHost, run: WorkflowRun, close: RunClose, newRunId: string): void {
  const started = startedAttributes(run);
  const retry = close.kind === 'completed' ? undefined : retryOf(run, close.kind === 'failed' ? close.failure : undefined, close.kind === 'timed_out');
  const cron = started.cronSchedule && !(retry && retry.retry) ? started.cronSchedule : undefined;
  const next: ChainedRun | undefined =
    retry && retry.retry
      ? { newRunId, initiator: INITIATOR.CONTINUE_AS_NEW_INITIATOR_RETRY, backoffMs: retry.delayMs, attempt: Number(started.attempt ?? 1) + 1,
          continuedFailure: close.kind === 'failed' ? close.failure : undefined, lastCompletionResult: started.lastCompletionResult }
      : cron
        ? { newRunId, initiator: INITIATOR.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, backoffMs: cronBackoffMs(cron, host.now()), attempt: 1,
            lastCompletionResult: close.kind === 'completed' ? close.result : started.lastCompletionResult,
            continuedFailure: close.kind === 'failed' ? close.failure : undefined }
        : undefined;
  const newExecutionRunId = next ? newRunId : undefined;
  const retryState = retry ? (retry.retry ? RetryState.IN_PROGRESS : retry.retryState) : undefined;
  if (close.kind === 'completed') {
    run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, { result: close.result, workflowTaskCompletedEventId: close.completedEventId, newExecutionRunId }, WS.WORKFLOW_EXECUTION_STATUS_COMPLETED, newExecutionRunId);
  } else if (close.kind === 'failed') {
    run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, { failure: close.failure, retryState, workflowTaskCompletedEventId: close.completedEventId, newExecutionRunId }, WS.WORKFLOW_EXECUTION_STATUS_FAILED, newExecutionRunId);
  } else {
    const timedOutState = retry && !retry.retry && retry.retryState !== RetryState.RETRY_POLICY_NOT_SET ? retry.retryState : RetryState.TIMEOUT;
    run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, { retryState: retry?.retry ? RetryState.IN_PROGRESS : timedOutState, newExecutionRunId }, WS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, newExecutionRunId);
  }
  if (next) host.startChainedRun(run, next);
}
