/**
 * The error answers of the Airbyte server, as its exception handlers write
 * them (airbyte-commons-server/.../errors/handlers): most handlers answer only
 * `{errorId}` and keep the detail in the server log; KnownException answers
 * `{message, errorId}`; problems answer RFC 7807 bodies; Micronaut itself
 * answers 401 with no body and its own `_embedded.errors` bodies. The spec's
 * InvalidInputExceptionInfo (422 with validationErrors) is what the spec
 * promises, not what the server sends.
 */
import { randomUUID } from 'node:crypto';

export class AirbyteApiError extends Error {
  constructor(
    readonly httpStatus: number,
    /** The JSON body; undefined for an empty one; a string for a non-JSON page. */
    readonly body: unknown,
    /** What the server would log under the errorId. */
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'AirbyteApiError';
  }
}

const withId = (status: number, detail: string) => new AirbyteApiError(status, { errorId: randomUUID() }, detail);

/** 500, UncaughtExceptionHandler: any exception no handler knows (IllegalStateException, IllegalArgumentException, RuntimeException). */
export function uncaught(detail: string): AirbyteApiError {
  return withId(500, detail);
}

/** 404, IdNotFoundExceptionHandler (ConfigNotFoundException of a connection, workspace…). */
export function idNotFound(kind: string, id: string | number): AirbyteApiError {
  return withId(404, `Could not find configuration for ${kind}: ${id}.`);
}

/** 400, InvalidInputExceptionHandler: a bean-validation failure (a required property missing). */
export function constraintViolation(propertyPath: string, message: string): AirbyteApiError {
  return withId(400, `Some properties contained invalid input. ${propertyPath}: ${message}`);
}

/** 422, InvalidJsonExceptionHandler / InvalidJsonInputExceptionHandler: unparsable JSON, a value of the wrong type, an unknown property under strict deserialization. */
export function invalidJson(detail: string): AirbyteApiError {
  return withId(422, `Invalid json input. ${detail}`);
}

/** 409, ValueConflictKnownException through KnownExceptionHandler: a sync already running, a deleted connection workflow. */
export function valueConflict(message: string): AirbyteApiError {
  const errorId = randomUUID();
  return new AirbyteApiError(409, { message, errorId }, message);
}

/** 409, ConnectionLockedProblem (an update of a locked connection). */
export function connectionLocked(connectionId: string, statusReason?: string): AirbyteApiError {
  return new AirbyteApiError(
    409,
    {
      status: 409,
      type: 'error:connection/locked',
      title: 'Connection is locked',
      detail: 'The connection is locked and cannot be modified.',
      data: { connectionId, ...(statusReason ? { statusReason } : {}) },
    },
    `connection ${connectionId} is locked`,
  );
}

/** Micronaut's own JSON error (hateoas): a BadRequestException, an unknown route. */
function micronautError(status: number, title: string, path: string, message: string): AirbyteApiError {
  return new AirbyteApiError(
    status,
    { message: title, _links: { self: { href: path, templated: false } }, _embedded: { errors: [{ message, _links: {}, _embedded: {} }] } },
    message,
  );
}

/** 400 from applications/token: ApplicationServiceMicronautImpl throws BadRequestException("Invalid client id or token"). */
export function invalidClientCredentials(path: string): AirbyteApiError {
  return micronautError(400, 'Bad Request', path, 'Invalid client id or token');
}

export function unknownEndpoint(method: string, path: string): AirbyteApiError {
  return micronautError(404, 'Not Found', path, `Page Not Found (${method} ${path})`);
}

export function unsupportedMediaType(path: string, contentType: string): AirbyteApiError {
  return micronautError(415, 'Unsupported Media Type', path, `Unsupported Media Type: ${contentType || 'none'}`);
}

/** 401 from Micronaut security: no body. */
export function unauthorized(): AirbyteApiError {
  return new AirbyteApiError(401, undefined, 'unauthorized: no valid credentials');
}

/** 401 from the basic-auth proxy in front of older deployments (nginx's page). */
export function basicAuthRequired(): AirbyteApiError {
  return new AirbyteApiError(
    401,
    '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    'basic auth required',
    { 'www-authenticate': 'Basic realm="Airbyte"' },
  );
}

/** 502 from the proxy while the server is away (nginx's page). */
export function badGateway(): AirbyteApiError {
  return new AirbyteApiError(502, '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n', 'bad gateway');
}

export function serviceUnavailable(): AirbyteApiError {
  return new AirbyteApiError(503, { message: 'Service Unavailable' }, 'service unavailable');
}
