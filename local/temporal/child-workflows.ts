import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { ServiceError } from './errors';
import { enums, type HistoryEvent, type temporal } from './proto';
import type { Engine } from './engine';
import type { ChildInfo, WorkflowRun } from './workflow-run';

const ET = enums.EventType;
type StartChild = temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes;

/** Child workflows and the cross-workflow commands: signal and cancel of other executions. */
export class ChildWorkflows {
  constructor(private readonly engine: Engine) {}

  start(parent: WorkflowRun, initiatedEventId: number, attrs: StartChild): void {
    if (!parent.isOpen) return;
    const namespace = attrs.namespace || parent.namespace;
    try {
      const { run: child } = this.engine.startWorkflow(
        {
          namespace, workflowId: attrs.workflowId, workflowType: attrs.workflowType,
          taskQueue: attrs.taskQueue?.name ? attrs.taskQueue : { name: parent.taskQueue },
          input: attrs.input, workflowExecutionTimeout: attrs.workflowExecutionTimeout, workflowRunTimeout: attrs.workflowRunTimeout,
          workflowTaskTimeout: attrs.workflowTaskTimeout, workflowIdReusePolicy: attrs.workflowIdReusePolicy, retryPolicy: attrs.retryPolicy,
          cronSchedule: attrs.cronSchedule, header: attrs.header, memo: attrs.memo, searchAttributes: attrs.searchAttributes,
          requestId: randomUUID(), identity: '',
        },
        { parent: { namespace: parent.namespace, workflowId: parent.workflowId, runId: parent.runId, initiatedEventId } },
      );
      const info: ChildInfo = {
        initiatedEventId, workflowId: child.workflowId, workflowType: child.workflowType, namespace,
        parentClosePolicy: Number(attrs.parentClosePolicy ?? 0), runId: child.runId,
      };
      parent.children.set(initiatedEventId, info);
      parent.addExternalEvent(() => {
        info.startedEventId = parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, {
          namespace, initiatedEventId, workflowExecution: { workflowId: child.workflowId, runId: child.runId },
          workflowType: attrs.workflowType, header: attrs.header,
        });
      });
    } catch (err) {
      if (!(err instanceof ServiceError) || err.code !== status.ALREADY_EXISTS) throw err;
      parent.addExternalEvent(() =>
        parent.append(ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, {
          namespace, workflowId: attrs.workflowId, workflowType: attrs.workflowType, initiatedEventId, control: attrs.control,
          cause: enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
        }),
      );
    }
  }

  /** A run closed: tell its parent, apply the parent close policy to its own children. */
  runClosed(run: WorkflowRun): void {
    const close = run.closeEvent();
    // A run that continues (continue-as-new, retry, cron) tells its parent nothing: the chain goes on.
    if (close && run.parent && !run.newExecutionRunId) {
      this.notifyParent(run, close);
    }
    for (const child of run.children.values()) {
      const target = child.runId ? this.engine.findRun(child.workflowId) : undefined;
      if (!target || !target.isOpen) continue;
      if (child.parentClosePolicy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) continue;
      if (child.parentClosePolicy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
        this.engine.requestCancel(target, { cause: 'parent closed', identity: 'parent-close-policy' });
      } else {
        this.engine.terminate(target, 'by parent close policy', undefined, 'parent-close-policy');
      }
    }
  }

  private notifyParent(run: WorkflowRun, close: HistoryEvent): void {
    const p = run.parent;
    const parent = p ? this.engine.findRun(p.workflowId, p.runId) : undefined;
    if (!p || !parent || !parent.isOpen) return;
    const info = parent.children.get(p.initiatedEventId);
    if (!info) return;
    parent.children.delete(p.initiatedEventId);
    const base = {
      namespace: run.namespace, initiatedEventId: p.initiatedEventId,
      workflowExecution: { workflowId: run.workflowId, runId: run.runId }, workflowType: { name: run.workflowType },
    };
    const type = Number(close.eventType);
    parent.addExternalEvent(() => {
      const startedEventId = info.startedEventId ?? 0;
      const attrs = { ...base, startedEventId };
      if (type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
        parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, { ...attrs, result: close.workflowExecutionCompletedEventAttributes?.result });
      } else if (type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) {
        const f = close.workflowExecutionFailedEventAttributes;
        parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, { ...attrs, failure: f?.failure, retryState: f?.retryState });
      } else if (type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED) {
        parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, { ...attrs, details: close.workflowExecutionCanceledEventAttributes?.details });
      } else if (type === ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT) {
        parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, { ...attrs, retryState: close.workflowExecutionTimedOutEventAttributes?.retryState });
      } else {
        parent.append(ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED, attrs);
      }
    });
  }

  signalExternal(source: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes): void {
    const execution = attrs.execution ?? {};
    const namespace = attrs.namespace || source.namespace;
    const target = this.engine.findRun(execution.workflowId ?? '', execution.runId);
    if (!target || !target.isOpen) {
      source.addExternalEvent(() =>
        source.append(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          initiatedEventId, namespace, workflowExecution: execution, control: attrs.control,
        }),
      );
      return;
    }
    target.addExternalEvent(() =>
      target.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
        signalName: attrs.signalName, input: attrs.input, header: attrs.header, identity: '',
        externalWorkflowExecution: { workflowId: source.workflowId, runId: source.runId },
      }),
    );
    source.addExternalEvent(() =>
      source.append(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
        initiatedEventId, namespace, workflowExecution: { workflowId: target.workflowId, runId: target.runId }, control: attrs.control,
      }),
    );
  }

  cancelExternal(source: WorkflowRun, initiatedEventId: number, attrs: temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes): void {
    const namespace = attrs.namespace || source.namespace;
    const target = this.engine.findRun(attrs.workflowId ?? '', attrs.runId);
    if (!target || !target.isOpen) {
      source.addExternalEvent(() =>
        source.append(ET.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
          cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          initiatedEventId, namespace, workflowExecution: { workflowId: attrs.workflowId, runId: attrs.runId }, control: attrs.control,
        }),
      );
      return;
    }
    this.engine.requestCancel(target, {
      cause: attrs.reason ?? '', externalInitiatedEventId: initiatedEventId,
      externalWorkflowExecution: { workflowId: source.workflowId, runId: source.runId }, identity: '',
    });
    source.addExternalEvent(() =>
      source.append(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
        initiatedEventId, namespace, workflowExecution: { workflowId: target.workflowId, runId: target.runId },
      }),
    );
  }
}
