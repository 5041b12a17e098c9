import { status } from '@grpc/grpc-js';

/** An error the local Temporal service answers with: a gRPC status code and a one-line message. */
export class ServiceError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError(status.NOT_FOUND, `${what} not found`);
export const alreadyExists = (what: string) => new ServiceError(status.ALREADY_EXISTS, `${what} already exists`);
export const invalidArgument = (message: string) => new ServiceError(status.INVALID_ARGUMENT, message);
