import { invalidArgument } from './errors';
import { enums, lookupType, type temporal } from './proto';
import { UNPROCESSED_UPDATE, type Update } from './updates';
import type { WorkflowRun } from './workflow-run';

type Message = temporal.api.protocol.v1.IMessage;
type Acceptance = temporal.api.update.v1.IAcceptance;
type Rejection = temporal.api.update.v1.IRejection;
type Response = temporal.api.update.v1.IResponse;

const ET = enums.EventType;
const ACCEPTANCE = 'temporal.api.update.v1.Acceptance';
const REJECTION = 'temporal.api.update.v1.Rejection';
const RESPONSE = 'temporal.api.update.v1.Response';

type Body = { kind: 'acceptance'; body: Acceptance } | { kind: 'rejection'; body: Rejection } | { kind: 'response'; body: Response };

function decodeBody(message: Message): Body {
  const any = message.body;
  const typeName = (any?.type_url ?? '').replace(/^.*\//, '');
  const decode = <T>() => lookupType(`.${typeName}`).toObject(lookupType(`.${typeName}`).decode(any?.value ?? new Uint8Array()), { longs: Number }) as T;
  if (typeName === ACCEPTANCE) return { kind: 'acceptance', body: decode<Acceptance>() };
  if (typeName === REJECTION) return { kind: 'rejection', body: decode<Rejection>() };
  if (typeName === RESPONSE) return { kind: 'response', body: decode<Response>() };
  throw invalidArgument(`RespondWorkflowTaskCompleted: message ${message.id} has an unknown body type "${any?.type_url ?? ''}"`);
}

/**
 * The update protocol messages of one workflow task completion (acceptance, rejection,
 * response), applied as Temporal's history service does: a message named by a
 * PROTOCOL_MESSAGE command is applied at that command's place among the events; the
 * others after the commands. Acceptance writes WorkflowExecutionUpdateAccepted (holding
 * the request), a response WorkflowExecutionUpdateCompleted; a rejection writes nothing.
 */
export class UpdateMessages {
  private readonly pending = new Map<string, Message>();

  constructor(
    private readonly run: WorkflowRun,
    messages: Message[],
  ) {
    for (const m of messages) this.pending.set(m.id ?? '', m);
  }

  /** Only rejections: a speculative workflow task carrying nothing else leaves no events. */
  onlyRejections(): boolean {
    return [...this.pending.values()].every((m) => decodeBody(m).kind === 'rejection');
  }

  /** Checks every message before anything is written: each names an update this task carried. */
  validate(): void {
    for (const m of this.pending.values()) {
      const update = this.run.updates.get(m.protocolInstanceId ?? '');
      if (!update || (update.state !== 'sent' && update.state !== 'accepted')) {
        throw invalidArgument(`RespondWorkflowTaskCompleted: message ${m.id} is for update ${m.protocolInstanceId}, which this workflow task did not carry`);
      }
      decodeBody(m);
    }
  }

  /** The PROTOCOL_MESSAGE command for `messageId`. */
  apply(messageId: string | null | undefined): void {
    const message = this.pending.get(messageId ?? '');
    if (!message) throw invalidArgument(`RespondWorkflowTaskCompleted: PROTOCOL_MESSAGE names message "${messageId}", which the task completion does not carry`);
    this.pending.delete(messageId ?? '');
    this.applyMessage(message);
  }

  /** The messages no command named, then the updates the worker left unanswered (rejected for it). */
  applyRest(): void {
    for (const message of this.pending.values()) this.applyMessage(message);
    this.pending.clear();
    for (const update of this.run.updates.sentUpdates()) this.run.updates.reject(update, UNPROCESSED_UPDATE);
  }

  private applyMessage(message: Message): void {
    const update = this.run.updates.get(message.protocolInstanceId ?? '') as Update;
    const { kind, body } = decodeBody(message);
    if (kind === 'rejection') {
      this.run.updates.reject(update, (body as Rejection).failure);
    } else if (kind === 'acceptance') {
      const a = body as Acceptance;
      const eventId = this.run.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
        protocolInstanceId: update.id,
        acceptedRequestMessageId: a.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: a.acceptedRequestSequencingEventId,
        acceptedRequest: a.acceptedRequest ?? update.request,
      });
      this.run.updates.accept(update, eventId);
    } else {
      const r = body as Response;
      if (update.state !== 'accepted') throw invalidArgument(`RespondWorkflowTaskCompleted: update ${update.id} was completed before it was accepted`);
      this.run.append(ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
        meta: r.meta ?? update.request.meta, acceptedEventId: update.acceptedEventId, outcome: r.outcome,
      });
      this.run.updates.complete(update, r.outcome ?? {});
    }
  }
}
