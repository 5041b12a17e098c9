import { invalidArgument } from './errors';
import { enums, type temporal } from './proto';
import type { Engine } from './engine';
import type { WorkflowRun } from './workflow-run';

const CT = enums.CommandType;
type Command = temporal.api.command.v1.ICommand;
type SearchAttributes = temporal.api.common.v1.ISearchAttributes;

/**
 * The message Temporal's history service fails a workflow task with when a command carries
 * search attributes it refuses (service/history/api/respondworkflowtaskcompleted/
 * workflow_task_completed_handler.go, service/history/api/command_attr_validator.go): names the
 * namespace does not map fail as they are; the validator's findings on child starts and
 * continue-as-new are wrapped with the command's context.
 */
function commandProblem(engine: Engine, run: WorkflowRun, c: Command): string | undefined {
  const registry = engine.searchAttributes;
  const check = (sa: SearchAttributes | null | undefined, wrap: (m: string) => string): string | undefined => {
    const problem = registry.problem(sa);
    if (!problem) return undefined;
    return problem.stage === 'unalias' ? problem.message : wrap(problem.message);
  };
  switch (Number(c.commandType)) {
    case CT.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const attrs = c.upsertWorkflowSearchAttributesCommandAttributes;
      if (!attrs) return 'UpsertWorkflowSearchAttributesCommandAttributes is not set on UpsertWorkflowSearchAttributesCommand.';
      const unaliased = registry.problem(attrs.searchAttributes);
      if (unaliased?.stage === 'unalias') return unaliased.message;
      if (!attrs.searchAttributes) return 'SearchAttributes is not set on UpsertWorkflowSearchAttributesCommand.';
      if (Object.keys(attrs.searchAttributes.indexedFields ?? {}).length === 0) return 'IndexedFields is not set on UpsertWorkflowSearchAttributesCommand.';
      return unaliased?.message;
    }
    case CT.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      const attrs = c.startChildWorkflowExecutionCommandAttributes ?? {};
      return check(attrs.searchAttributes, (m) =>
        `invalid SearchAttributes on StartChildWorkflowCommand: ${m}. WorkflowId=${attrs.workflowId ?? ''} WorkflowType=${attrs.workflowType?.name ?? ''} Namespace=${attrs.namespace || run.namespace}`);
    }
    case CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
      const attrs = c.continueAsNewWorkflowExecutionCommandAttributes ?? {};
      return check(attrs.searchAttributes, (m) =>
        `invalid SearchAttributes on ContinueAsNewWorkflowExecutionCommand: ${m}. WorkflowType=${attrs.workflowType?.name || run.workflowType} TaskQueue=${attrs.taskQueue?.name || run.taskQueue}`);
    }
    default:
      return undefined;
  }
}

/**
 * Before a completed workflow task's commands are applied: when one carries search attributes
 * Temporal refuses, fail the task with cause BAD_SEARCH_ATTRIBUTES and a server failure
 * `BadSearchAttributes: <reason>`, and answer the worker INVALID_ARGUMENT with that message. As
 * Temporal does, a task that fails so again on a later attempt is not failed again (nothing is
 * written): the call is refused and the task times out, so a workflow stuck on a bad attribute
 * does not spin.
 */
export function refuseBadSearchAttributes(engine: Engine, run: WorkflowRun, commands: Command[], identity: string): void {
  for (const c of commands) {
    const problem = commandProblem(engine, run, c);
    if (!problem) continue;
    const message = `BadSearchAttributes: ${problem}`;
    if (run.wft.attempt > 1) throw invalidArgument(message);
    run.failWorkflowTask(enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, { message, serverFailureInfo: { nonRetryable: false } }, identity);
    throw invalidArgument(message);
  }
}
