/**
 * One sync per day, whoever starts it. A daily sync started under any other
 * id than the day's own (a schedule's `acode-daily-scheduled-<fire time>`, a
 * Temporal UI start with a typed id) runs the day's sync as its child under
 * the day's id (workflows/ids.ts), so Temporal itself refuses a second run:
 * while one runs, or after one succeeded, the second start fails with a
 * non-retryable `duplicate_run` naming the run that has the day. A failed day
 * may be run again.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { executeChild } from '@temporalio/workflow';
import { DUPLICATE_RUN, failure } from '../config/failures';

export async function runAsTheDaysSync<I, R>(workflow: (input: I) => Promise<R>, dayId: string, input: I): Promise<R> {
  try {
    return await executeChild(workflow as (input: unknown) => Promise<R>, {
      workflowId: dayId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw failure(DUPLICATE_RUN, `${dayId} already runs or has succeeded; this start is refused (one sync per day)`, { cause: err });
    }
    throw err;
  }
}
