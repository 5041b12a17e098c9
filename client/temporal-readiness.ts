/**
 * Whether Temporal answers, for the intake's /readyz: a cheap GetSystemInfo
 * through the client's own connection, bounded by a deadline, repeated in the
 * background while the intake listens, so the endpoint answers at once from
 * the last probe. Not ready until the first probe succeeds. `stop()` waits for
 * a probe in flight, so no call outlives the intake.
 */
import type { Client } from '@temporalio/client';

export interface Readiness {
  ready(): boolean;
  start(): void;
  stop(): Promise<void>;
}

export function temporalReadiness(client: Client, { intervalMs = 5_000, timeoutMs = 2_000 } = {}): Readiness {
  let ready = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | undefined;
  const probe = () => {
    inflight = client.connection
      .withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}))
      .then(
        () => {
          ready = true;
        },
        () => {
          ready = false;
        },
      )
      .finally(() => {
        inflight = undefined;
        if (running) timer = setTimeout(probe, intervalMs).unref();
      });
  };
  return {
    ready: () => ready,
    start() {
      if (running) return;
      running = true;
      probe();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inflight;
    },
  };
}
