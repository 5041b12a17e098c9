/**
 * Heartbeats and cancellation for long activities, usable outside an
 * activity too (plain calls in tests and scripts do nothing).
 */
import { Context } from '@temporalio/activity';

/** The running activity's context, or undefined outside an activity. */
export function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Records progress with the server when running as an activity. */
export function reportProgress(details: unknown): void {
  currentContext()?.heartbeat(details);
}

/** Throws the cancellation reason when the running activity was cancelled. */
export function throwIfCancelled(): void {
  const signal = currentContext()?.cancellationSignal;
  if (signal?.aborted) throw signal.reason ?? new Error('activity cancelled');
}
