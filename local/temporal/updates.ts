import { status } from '@grpc/grpc-js';
import { ServiceError } from './errors';
import { enums, lookupType, type temporal } from './proto';

type UpdateRequest = temporal.api.update.v1.IRequest;
type Outcome = temporal.api.update.v1.IOutcome;
type Message = temporal.api.protocol.v1.IMessage;
type Failure = temporal.api.failure.v1.IFailure;

const STAGE = enums.UpdateWorkflowExecutionLifecycleStage;
export type Stage = (typeof STAGE)[keyof typeof STAGE];

const REQUEST_TYPE = 'temporal.api.update.v1.Request';
const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** Temporal's answers to a caller whose update could not be delivered (service/history/workflow/update/errors_failures.go). */
export const abortedByClosing = () => new ServiceError(status.NOT_FOUND, 'workflow update was aborted by closing workflow');
export const ACCEPTED_UPDATE_COMPLETED_WORKFLOW: Failure = {
  message: 'Workflow Update failed because the Workflow completed before the Update completed.',
  source: 'Server',
  applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
};
export const UNPROCESSED_UPDATE: Failure = {
  message: "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
  source: 'Server',
  applicationFailureInfo: { type: 'UnprocessedUpdate', nonRetryable: true },
};

/** One update of a run: admitted (waiting for a workflow task), sent, accepted, completed. */
export interface Update {
  id: string;
  request: UpdateRequest;
  state: 'admitted' | 'sent' | 'accepted' | 'completed';
  admittedSeq: number;
  acceptedEventId?: number;
  outcome?: Outcome;
  error?: ServiceError;
}

/** The in-flight and completed updates of one run, with waiters on their lifecycle stages. */
export class UpdateRegistry {
  private readonly updates = new Map<string, Update>();
  private waiters: (() => void)[] = [];
  private seq = 0;

  get(id: string): Update | undefined {
    return this.updates.get(id);
  }

  /** A new update, or the one already known under its id (update ids are de-duplicated). */
  admit(request: UpdateRequest): { update: Update; isNew: boolean } {
    const id = request.meta?.updateId ?? '';
    const known = this.updates.get(id);
    if (known) return { update: known, isNew: false };
    const update: Update = { id, request, state: 'admitted', admittedSeq: this.seq++ };
    this.updates.set(id, update);
    return { update, isNew: true };
  }

  /** Admits an update carried over from another run (continue-as-new, retry), keeping its order. */
  readmit(update: Update): void {
    this.updates.set(update.id, { ...update, state: 'admitted', admittedSeq: this.seq++ });
    this.notify();
  }

  hasUndelivered(): boolean {
    for (const u of this.updates.values()) if (u.state === 'admitted') return true;
    return false;
  }

  /** Messages for a workflow task that starts at `startedEventId`, oldest update first; marks them sent. */
  messagesFor(startedEventId: number): Message[] {
    const admitted = [...this.updates.values()].filter((u) => u.state === 'admitted').sort((a, b) => a.admittedSeq - b.admittedSeq);
    return admitted.map((u) => {
      u.state = 'sent';
      return {
        id: `${u.id}/request`,
        protocolInstanceId: u.id,
        eventId: startedEventId - 1,
        body: { type_url: TYPE_URL_PREFIX + REQUEST_TYPE, value: lookupType(`.${REQUEST_TYPE}`).encode(lookupType(`.${REQUEST_TYPE}`).fromObject(u.request as object)).finish() },
      } as unknown as Message;
    });
  }

  sentUpdates(): Update[] {
    return [...this.updates.values()].filter((u) => u.state === 'sent');
  }

  accept(update: Update, acceptedEventId: number): void {
    update.state = 'accepted';
    update.acceptedEventId = acceptedEventId;
    this.notify();
  }

  complete(update: Update, outcome: Outcome): void {
    update.state = 'completed';
    update.outcome = outcome;
    this.notify();
  }

  /** A rejection leaves no trace: the update is forgotten, so its id may be sent again. */
  reject(update: Update, failure: Failure | null | undefined): void {
    this.updates.delete(update.id);
    update.state = 'completed';
    update.outcome = { failure: failure ?? UNPROCESSED_UPDATE };
    this.notify();
  }

  /** The workflow task that carried them failed: sent updates go back to waiting for the next task. */
  resend(): void {
    for (const u of this.updates.values()) if (u.state === 'sent') u.state = 'admitted';
  }

  /**
   * The run closed. Updates not yet accepted fail with Temporal's NotFound, or are handed to
   * `carryOver` when the run continues in a new run; accepted ones complete with
   * AcceptedUpdateCompletedWorkflow.
   */
  closeRun(carryOver?: (update: Update) => void): void {
    for (const u of this.updates.values()) {
      if (u.state === 'admitted' || u.state === 'sent') {
        this.updates.delete(u.id);
        if (carryOver) carryOver(u);
        else u.error = abortedByClosing();
      } else if (u.state === 'accepted') {
        u.state = 'completed';
        u.outcome = { failure: ACCEPTED_UPDATE_COMPLETED_WORKFLOW };
      }
    }
    this.notify();
  }

  /** Resolves when anything about this run's updates changed, or after `timeoutMs`. */
  changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** The lifecycle stage an update has reached, as UpdateWorkflowExecution reports it. */
export function stageOf(update: Update): Stage {
  if (update.state === 'completed') return STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  if (update.state === 'accepted') return STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return STAGE.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
}
