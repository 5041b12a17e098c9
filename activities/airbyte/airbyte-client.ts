/**
 * A client for the Airbyte OSS Config API (POST JSON RPC under /api/v1). Each
 * call's body is checked against the spec's request schema before it is sent
 * and its answer read through the response schema (config-api-endpoints.ts).
 * Requests carry the Authorization header of the configured credentials; a 401
 * drops the token and the call is made once more with a fresh one.
 *
 * Every failure is an ApplicationFailure of type 'airbyte_failure' naming the
 * server, the endpoint, the HTTP status and Airbyte's message and errorId;
 * 4xx answers are final, outages (5xx, 429, unreachable) retryable. No message
 * carries a secret or a token.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { AirbyteCredentials } from '../../config/env';
import { failure } from '../../config/failures';
import { createAirbyteAuth, type AirbyteAuth } from './airbyte-auth';
import { CONFIG_API, HEALTH_PATH, type Endpoint, type RequestOf, type ResponseOf } from './config-api-endpoints';
import { ErrorBody, HealthCheckRead } from './config-api-responses';

export interface AirbyteClientOptions {
  /** Root URL of the Airbyte server, e.g. http://airbyte-server:8001 (the /api/v1 paths are appended). */
  baseUrl: string;
  /** Defaults to none (an Airbyte with API_AUTHORIZATION_ENABLED=false). */
  credentials?: AirbyteCredentials;
  fetch?: typeof fetch;
  /** Bound on each request; defaults to 30 s. */
  requestTimeoutMs?: number;
  now?: () => number;
  /** A line for the log (never a secret): token fetched, token refused. */
  log?: (message: string) => void;
}

export class AirbyteHttpError extends Error {
  constructor(
    readonly endpoint: string,
    readonly httpStatus: number,
    readonly apiMessage: string,
    readonly errorId?: string,
  ) {
    super(apiMessage);
    this.name = 'AirbyteHttpError';
  }
}

export interface AirbyteClient {
  readonly baseUrl: string;
  readonly auth: AirbyteAuth;
  /** POST /api/v1/<endpoint>; throws airbyte_failure on an HTTP error, an unreachable server or an answer off the spec. */
  call<E extends Endpoint>(endpoint: E, body: RequestOf<E>, signal?: AbortSignal): Promise<ResponseOf<E>>;
  /** GET /api/v1/health; true only for a 200 answer saying available. */
  health(timeoutMs: number): Promise<boolean>;
}

function oneLine(text: string, max = 300): string {
  const line = text.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Airbyte's message and errorId from an error body of any of its shapes. */
export function describeErrorBody(text: string): { message: string; errorId?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { message: oneLine(text || '(empty body)') };
  }
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success) return { message: oneLine(text) };
  const info = parsed.data;
  const parts = [
    info.title,
    info.detail,
    info.message,
    ...(info._embedded?.errors ?? []).map((e) => e.message),
    ...(info.validationErrors ?? []).map((v) => `${v.propertyPath ?? '?'}: ${v.message ?? '?'}`),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  const message = parts.length > 0 ? oneLine(parts.join('; ')) : info.errorId ? 'no message (the detail is in the server log under the errorId)' : oneLine(text);
  return { message, errorId: info.errorId };
}

/** The innermost useful message of a fetch failure ("connect ECONNREFUSED …"), read by shape, not by class. */
function networkCause(error: unknown): string {
  let current = error as { message?: unknown; cause?: unknown; code?: unknown; errors?: unknown[] } | undefined;
  let message = String(error);
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (typeof current.message === 'string' && current.message !== '') message = current.message;
    else if (typeof current.code === 'string') message = current.code;
    const next = current.cause ?? (Array.isArray(current.errors) ? current.errors[0] : undefined);
    current = next as typeof current;
  }
  return message;
}

export function parseAirbyteBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') throw new Error('airbyte: baseUrl is required (e.g. http://airbyte-server:8001)');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`airbyte: baseUrl ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`airbyte: baseUrl ${url.origin} must be http or https`);
  if (url.username || url.password) throw new Error('airbyte: baseUrl must not carry credentials (use AIRBYTE_USERNAME/AIRBYTE_PASSWORD)');
  return url.toString().replace(/\/+$/, '').replace(/\/api$/, '');
}

/** An answer that an outage explains and a later call may not meet: 408, 429 and 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function createAirbyteClient(options: AirbyteClientOptions): AirbyteClient {
  const baseUrl = parseAirbyteBaseUrl(options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const withTimeout = (signal?: AbortSignal) =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]) : AbortSignal.timeout(requestTimeoutMs);

  let auth: AirbyteAuth;
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of auth.secrets()) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    return out;
  };

  const send = async (endpoint: Endpoint, body: unknown, authorization: string | undefined, signal?: AbortSignal) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    try {
      const response = await doFetch(`${baseUrl}/api/v1/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body), signal: withTimeout(signal) });
      return { status: response.status, ok: response.ok, text: await response.text() };
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw failure('airbyte_failure', scrub(`Airbyte API unreachable at ${baseUrl} (POST /api/v1/${endpoint}): ${oneLine(networkCause(error))}`));
    }
  };

  const httpFailure = (endpoint: Endpoint, status: number, text: string, note = ''): ApplicationFailure => {
    const { message, errorId } = describeErrorBody(scrub(text));
    const id = errorId ? ` (errorId ${errorId})` : '';
    return failure('airbyte_failure', `Airbyte API at ${baseUrl} answered HTTP ${status} to POST /api/v1/${endpoint}${note}: ${message}${id}`, {
      final: !isTransientStatus(status),
      details: [{ endpoint, httpStatus: status, ...(errorId ? { errorId } : {}) }],
      cause: new AirbyteHttpError(endpoint, status, message, errorId),
    });
  };

  const call = async <E extends Endpoint>(endpoint: E, body: RequestOf<E>, signal?: AbortSignal): Promise<ResponseOf<E>> => {
    const spec = CONFIG_API[endpoint];
    const request = spec.request.safeParse(body);
    if (!request.success) {
      const issue = request.error.issues[0];
      throw failure('airbyte_failure', `airbyte: the body for POST /api/v1/${endpoint} is outside the spec at ${issue.path.join('.') || '(root)'}: ${issue.message}`, { final: true });
    }
    const anonymous = endpoint === 'applications/token';
    let authorization = anonymous ? undefined : await auth.header(signal);
    let answer = await send(endpoint, request.data, authorization, signal);
    let note = '';
    if (answer.status === 401 && !anonymous && auth.refused(authorization)) {
      options.log?.(`Airbyte answered 401 to POST /api/v1/${endpoint}; fetching a new access token`);
      authorization = await auth.header(signal);
      answer = await send(endpoint, request.data, authorization, signal);
      note = ' with a fresh access token';
    }
    if (!answer.ok) {
      if (answer.status === 401) {
        const how = auth.kind === 'none' ? 'no credentials are configured (AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET or AIRBYTE_USERNAME/AIRBYTE_PASSWORD)' : `the ${auth.kind === 'basic' ? 'AIRBYTE_USERNAME/AIRBYTE_PASSWORD' : 'access token'} was refused`;
        throw httpFailure(endpoint, 401, answer.text, `${note} (${how})`);
      }
      throw httpFailure(endpoint, answer.status, answer.text, note);
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw failure('airbyte_failure', `Airbyte API at ${baseUrl} answered POST /api/v1/${endpoint} with a body that is not JSON: ${oneLine(scrub(answer.text), 120)}`);
    }
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw failure('airbyte_failure', `Airbyte API at ${baseUrl} answered POST /api/v1/${endpoint} outside the spec at ${issue.path.join('.') || '(root)'}: ${issue.message}`, { final: true });
    }
    return parsed.data as ResponseOf<E>;
  };

  auth = createAirbyteAuth(options.credentials ?? { kind: 'none' }, {
    now: options.now,
    onToken: (lifetime) => options.log?.(`fetched an Airbyte access token from ${baseUrl} (valid ${lifetime} s)`),
    async fetchToken({ clientId, clientSecret }, signal) {
      try {
        const { access_token } = await call('applications/token', { client_id: clientId, client_secret: clientSecret }, signal);
        return access_token;
      } catch (error) {
        if (error instanceof ApplicationFailure && error.cause instanceof AirbyteHttpError && !isTransientStatus(error.cause.httpStatus)) {
          throw failure('airbyte_failure', `${error.message} (the client credentials of AIRBYTE_CLIENT_ID were refused)`, { final: true, details: error.details as unknown[], cause: error.cause });
        }
        throw error;
      }
    },
  });

  return {
    baseUrl,
    auth,
    call,
    async health(timeoutMs: number): Promise<boolean> {
      try {
        const response = await doFetch(`${baseUrl}${HEALTH_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return false;
        const body = HealthCheckRead.safeParse(await response.json());
        return body.success && body.data.available;
      } catch {
        return false;
      }
    },
  };
}

/** The HTTP status of an airbyte_failure raised by the client, if it came from an answer. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof ApplicationFailure && error.cause instanceof AirbyteHttpError) return error.cause.httpStatus;
  return undefined;
}

/** True for a failure an outage explains: unreachable, or a transient status. */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof ApplicationFailure) || error.type !== 'airbyte_failure') return false;
  const status = httpStatusOf(error);
  return status === undefined ? error.message.startsWith('Airbyte API unreachable') : status !== 500 && isTransientStatus(status);
}
