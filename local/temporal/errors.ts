import { status } from '@grpc/grpc-js';

/** A typed detail of an error, as google.rpc.Status carries them (an Any of `type`). */
export interface ErrorDetail {
  /** Fully qualified message name, e.g. `temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure`. */
  type: string;
  value: object;
}

/** An error the local Temporal service answers with: a gRPC status code and a one-line message. */
export class ServiceError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError(status.NOT_FOUND, `${what} not found`);
export const alreadyExists = (what: string) => new ServiceError(status.ALREADY_EXISTS, `${what} already exists`);
export const invalidArgument = (message: string) => new ServiceError(status.INVALID_ARGUMENT, message);
