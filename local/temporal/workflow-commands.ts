import { requestCancelActivity, scheduleActivity, type ActivityHost } from './activity-state';
import { durationMs, enums, type temporal } from './proto';
import type { WorkflowRun } from './workflow-run';
import { invalidArgument } from './errors';
import type { UpdateMessages } from './update-protocol';
import type { RunClose } from './run-chain';
import { mergeSearchAttributes } from './search-attribute-values';

const ET = enums.EventType;
const CT = enums.CommandType;
const WS = enums.WorkflowExecutionStatus;
type Command = temporal.api.command.v1.ICommand;

/** What applying commands needs from the service beyond the run itself. */
export interface CommandHost extends ActivityHost {
  startChild(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes): void;
  signalExternal(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes): void;
  cancelExternal(run: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes): void;
  continueAsNew(run: WorkflowRun, attrs: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes, completedEventId: number): void;
  runTimeoutMs(run: WorkflowRun): number | undefined;
  closeRun(run: WorkflowRun, close: RunClose): void;
}

const CLOSE_COMMANDS = new Set<number>([
  CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export function hasCloseCommand(commands: Command[]): boolean {
  return commands.some((c) => CLOSE_COMMANDS.has(Number(c.commandType)));
}

function startTimer(run: WorkflowRun, attrs: temporal.api.command.v1.IStartTimerCommandAttributes, completedEventId: number): void {
  const timerId = attrs.timerId ?? '';
  if (run.timers.has(timerId)) throw invalidArgument(`StartTimer: timer id ${timerId} is already in use`);
  const startedEventId = run.append(ET.EVENT_TYPE_TIMER_STARTED, {
    timerId, startToFireTimeout: attrs.startToFireTimeout, workflowTaskCompletedEventId: completedEventId,
  });
  const delay = durationMs(attrs.startToFireTimeout) ?? 0;
  const alarm = run.alarmAt(run.host.now() + delay, () => {
    if (run.timers.get(timerId)?.startedEventId !== startedEventId) return;
    run.timers.delete(timerId);
    run.addExternalEvent(() => run.append(ET.EVENT_TYPE_TIMER_FIRED, { timerId, startedEventId }));
  });
  run.timers.set(timerId, { startedEventId, alarm });
}

function cancelTimer(run: WorkflowRun, timerId: string, completedEventId: number, identity: string): void {
  const timer = run.timers.get(timerId);
  if (!timer) return;
  timer.alarm.cancel();
  run.timers.delete(timerId);
  run.append(ET.EVENT_TYPE_TIMER_CANCELED, { timerId, startedEventId: timer.startedEventId, workflowTaskCompletedEventId: completedEventId, identity });
}

/** Applies the commands of a completed workflow task, in order, writing their events. */
export function applyCommands(host: CommandHost, run: WorkflowRun, commands: Command[], completedEventId: number, identity: string, messages?: UpdateMessages): void {
  for (const c of commands) {
    if (!run.isOpen) break;
    const type = Number(c.commandType);
    switch (type) {
      case CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
        scheduleActivity(host, run, c.scheduleActivityTaskCommandAttributes ?? {}, completedEventId, host.runTimeoutMs(run));
        break;
      case CT.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
        requestCancelActivity(run, Number(c.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0), completedEventId);
        break;
      case CT.COMMAND_TYPE_START_TIMER:
        startTimer(run, c.startTimerCommandAttributes ?? {}, completedEventId);
        break;
      case CT.COMMAND_TYPE_CANCEL_TIMER:
        cancelTimer(run, c.cancelTimerCommandAttributes?.timerId ?? '', completedEventId, identity);
        break;
      case CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
        host.closeRun(run, { kind: 'completed', result: c.completeWorkflowExecutionCommandAttributes?.result, completedEventId });
        break;
      case CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
        host.closeRun(run, { kind: 'failed', failure: c.failWorkflowExecutionCommandAttributes?.failure, completedEventId });
        break;
      case CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        run.close(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, {
          details: c.cancelWorkflowExecutionCommandAttributes?.details, workflowTaskCompletedEventId: completedEventId,
        }, WS.WORKFLOW_EXECUTION_STATUS_CANCELED);
        break;
      case CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        host.continueAsNew(run, c.continueAsNewWorkflowExecutionCommandAttributes ?? {}, completedEventId);
        break;
      case CT.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const attrs = c.startChildWorkflowExecutionCommandAttributes as temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes;
        const id = run.append(ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
          ...attrs, namespace: attrs.namespace || run.namespace, workflowTaskCompletedEventId: completedEventId,
        });
        run.afterCommit.push(() => host.startChild(run, id, attrs));
        break;
      }
      case CT.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
        const attrs = c.signalExternalWorkflowExecutionCommandAttributes as temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes;
        const id = run.append(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
          namespace: attrs.namespace || run.namespace, execution: attrs.execution, signalName: attrs.signalName, input: attrs.input,
          control: attrs.control, childWorkflowOnly: attrs.childWorkflowOnly, header: attrs.header, workflowTaskCompletedEventId: completedEventId,
        });
        run.afterCommit.push(() => host.signalExternal(run, id, attrs));
        break;
      }
      case CT.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
        const attrs = c.requestCancelExternalWorkflowExecutionCommandAttributes as temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes;
        const id = run.append(ET.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
          namespace: attrs.namespace || run.namespace, workflowExecution: { workflowId: attrs.workflowId, runId: attrs.runId },
          control: attrs.control, childWorkflowOnly: attrs.childWorkflowOnly, reason: attrs.reason, workflowTaskCompletedEventId: completedEventId,
        });
        run.afterCommit.push(() => host.cancelExternal(run, id, attrs));
        break;
      }
      case CT.COMMAND_TYPE_RECORD_MARKER: {
        const m = c.recordMarkerCommandAttributes ?? {};
        run.append(ET.EVENT_TYPE_MARKER_RECORDED, {
          markerName: m.markerName, details: m.details, header: m.header, failure: m.failure, workflowTaskCompletedEventId: completedEventId,
        });
        break;
      }
      case CT.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const sa = c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
        run.append(ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { searchAttributes: sa, workflowTaskCompletedEventId: completedEventId });
        run.searchAttributes = mergeSearchAttributes(run.searchAttributes, sa);
        break;
      }
      case CT.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
        const memo = c.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo;
        run.append(ET.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, { upsertedMemo: memo, workflowTaskCompletedEventId: completedEventId });
        run.memo = { fields: { ...(run.memo?.fields ?? {}), ...(memo?.fields ?? {}) } };
        break;
      }
      case CT.COMMAND_TYPE_PROTOCOL_MESSAGE:
        messages?.apply(c.protocolMessageCommandAttributes?.messageId);
        break;
      default:
        throw invalidArgument(`RespondWorkflowTaskCompleted: command type ${enums.CommandType[type] ?? type} is not supported by the local service`);
    }
  }
}
