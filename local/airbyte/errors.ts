/** The error answers of the Airbyte Config API: HTTP status plus its exception-info body. */
import type { ExceptionInfo } from './config-api';

export class AirbyteApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: ExceptionInfo,
  ) {
    super(body.message);
    this.name = 'AirbyteApiError';
  }
}

/** 404, as IdNotFoundKnownException answers for an unknown id. */
export function idNotFound(kind: string, id: string | number): AirbyteApiError {
  return new AirbyteApiError(404, {
    id: String(id),
    message: `Could not find configuration for ${kind}: ${id}.`,
    exceptionClassName: 'io.airbyte.commons.server.errors.IdNotFoundKnownException',
    exceptionStack: [],
  });
}

/** 422, as the API's request validation answers a missing or malformed property. */
export function invalidInput(propertyPath: string, message: string, invalidValue?: unknown): AirbyteApiError {
  return new AirbyteApiError(422, {
    message: 'Some properties contained invalid input.',
    exceptionClassName: 'javax.validation.ConstraintViolationException',
    exceptionStack: [],
    validationErrors: [
      { propertyPath, message, ...(invalidValue === undefined ? {} : { invalidValue: JSON.stringify(invalidValue) }) },
    ],
  });
}

/** 422 for a body that is not JSON, as the API's JSON mapper answers. */
export function invalidJson(detail: string): AirbyteApiError {
  return new AirbyteApiError(422, {
    message: `Invalid json. ${detail}`,
    exceptionClassName: 'com.fasterxml.jackson.core.JsonParseException',
    exceptionStack: [],
    validationErrors: [],
  });
}

/** 409, ValueConflictKnownException: a sync already running, or a connection whose sync workflow is gone. */
export function valueConflict(message: string): AirbyteApiError {
  return new AirbyteApiError(409, {
    message,
    exceptionClassName: 'io.airbyte.commons.server.errors.ValueConflictKnownException',
    exceptionStack: [],
  });
}

export function unknownEndpoint(method: string, path: string): AirbyteApiError {
  return new AirbyteApiError(404, { message: `No endpoint ${method} ${path}`, exceptionStack: [] });
}
