import { status } from '@grpc/grpc-js';
import { ServiceError } from './errors';
import { lookupType } from './proto';
import { messageToJson, type JsonOptions } from './http-json';

/** grpc-gateway's HTTPStatusFromCode: the HTTP status Temporal's HTTP API answers for a gRPC code. */
export function httpStatusFromCode(code: number): number {
  switch (code) {
    case status.OK: return 200;
    case status.CANCELLED: return 499;
    case status.INVALID_ARGUMENT: case status.FAILED_PRECONDITION: case status.OUT_OF_RANGE: return 400;
    case status.DEADLINE_EXCEEDED: return 504;
    case status.NOT_FOUND: return 404;
    case status.ALREADY_EXISTS: case status.ABORTED: return 409;
    case status.PERMISSION_DENIED: return 403;
    case status.UNAUTHENTICATED: return 401;
    case status.RESOURCE_EXHAUSTED: return 429;
    case status.UNIMPLEMENTED: return 501;
    case status.UNAVAILABLE: return 503;
    default: return 500;
  }
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** The body Temporal's HTTP API answers an error with: google.rpc.Status as JSON, details as Any (`@type`). */
export function errorAnswer(err: unknown, method: string, options: JsonOptions): HttpAnswer {
  if (!(err instanceof ServiceError)) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`local temporal http: ${method} failed: ${message}\n`);
    return { status: 500, body: { code: status.INTERNAL, message: `${method}: ${message}`, details: [] } };
  }
  const details = err.details.map((d) => {
    const type = lookupType(`.${d.type}`);
    const value = messageToJson(type, type.decode(type.encode(type.fromObject(d.value as Record<string, unknown>)).finish()), options) as object;
    return { '@type': `type.googleapis.com/${d.type}`, ...value };
  });
  return { status: httpStatusFromCode(err.code), body: { code: err.code, message: err.message, details } };
}

/** grpc-gateway's routing errors: no template matches (404, NOT_FOUND) or none for this verb (405, UNIMPLEMENTED). */
export function routingError(kind: 'not-found' | 'method-not-allowed'): HttpAnswer {
  return kind === 'not-found'
    ? { status: 404, body: { code: status.NOT_FOUND, message: 'Not Found', details: [] } }
    : { status: 405, body: { code: status.UNIMPLEMENTED, message: 'Method Not Allowed', details: [] } };
}
