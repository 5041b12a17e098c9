/**
 * Workflow interceptor module (runs inside the workflow sandbox): tells the
 * worker, through the `ingestionMetrics` sink, that a recovery workflow has
 * started, whoever started it (health monitor, alert intake, operator).
 * Sink calls are not repeated when a workflow is replayed.
 *
 * Registered with WorkerOptions.interceptors.workflowModules (or
 * bundleWorkflowCode's workflowInterceptorModules for a prebuilt bundle);
 * the worker side of the sink is `ingestionMetricsSinks` in metrics.ts; only
 * its type lives here, so the sandbox imports nothing from Node.
 */
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface IngestionMetricsSinks extends Sinks {
  ingestionMetrics: {
    recoveryStarted(system: string, failureType: string): void;
  };
}

const { ingestionMetrics } = proxySinks<IngestionMetricsSinks>();

function field(input: unknown, name: string): string {
  const value = input && typeof input === 'object' ? (input as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : 'invalid';
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        if (workflowInfo().workflowType === 'recovery') {
          ingestionMetrics.recoveryStarted(field(input.args[0], 'system'), field(input.args[0], 'failureType'));
        }
        return next(input);
      },
    },
  ],
});
