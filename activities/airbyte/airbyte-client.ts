/**
 * A small client for the Airbyte OSS Config API (POST JSON RPC under /api/v1).
 * Every failure is an ApplicationFailure of type 'airbyte_failure' whose message
 * names the server and the endpoint; 4xx answers are not retryable, outages are.
 */
import { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../config/failures';

export interface AirbyteClientOptions {
  /** Root URL of the Airbyte server, e.g. http://airbyte-server:8001 (the /api/v1 paths are appended). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Bound on each request; defaults to 30 s. */
  requestTimeoutMs?: number;
}

/** The JSON error body the API answers with (KnownExceptionInfo and kin). */
interface ExceptionInfo {
  message?: string;
  validationErrors?: { propertyPath?: string; message?: string }[];
}

export class AirbyteHttpError extends Error {
  constructor(
    readonly endpoint: string,
    readonly httpStatus: number,
    readonly apiMessage: string,
  ) {
    super(apiMessage);
    this.name = 'AirbyteHttpError';
  }
}

export interface AirbyteClient {
  readonly baseUrl: string;
  /** POST /api/v1/<endpoint>; throws airbyte_failure on an HTTP error or an unreachable server. */
  post<T>(endpoint: string, body: unknown, signal?: AbortSignal): Promise<T>;
  /** GET /api/v1/health; true only for a 200 answer saying available. */
  health(timeoutMs: number): Promise<boolean>;
}

function oneLine(text: string, max = 300): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function describeError(body: string): string {
  try {
    const info = JSON.parse(body) as ExceptionInfo;
    const details = (info.validationErrors ?? []).map((v) => `${v.propertyPath ?? '?'}: ${v.message ?? '?'}`);
    return oneLine([info.message ?? body, ...details].join('; '));
  } catch {
    return oneLine(body || '(empty body)');
  }
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
  if (url.username || url.password) throw new Error('airbyte: baseUrl must not carry credentials');
  return url.toString().replace(/\/+$/, '').replace(/\/api$/, '');
}

export function createAirbyteClient(options: AirbyteClientOptions): AirbyteClient {
  const baseUrl = parseAirbyteBaseUrl(options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;

  const withTimeout = (timeoutMs: number, signal?: AbortSignal) =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);

  return {
    baseUrl,
    async post<T>(endpoint: string, body: unknown, signal?: AbortSignal): Promise<T> {
      const url = `${baseUrl}/api/v1/${endpoint}`;
      let response: Response;
      let text: string;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: withTimeout(requestTimeoutMs, signal),
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        const cause = networkCause(error);
        throw failure('airbyte_failure', `Airbyte API unreachable at ${baseUrl} (POST /api/v1/${endpoint}): ${oneLine(cause)}`);
      }
      if (!response.ok) {
        const apiMessage = describeError(text);
        throw failure('airbyte_failure', `Airbyte API at ${baseUrl} answered HTTP ${response.status} to POST /api/v1/${endpoint}: ${apiMessage}`, {
          final: response.status >= 400 && response.status < 500 && response.status !== 429,
          details: [{ endpoint, httpStatus: response.status }],
          cause: new AirbyteHttpError(endpoint, response.status, apiMessage),
        });
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        throw failure('airbyte_failure', `Airbyte API at ${baseUrl} answered POST /api/v1/${endpoint} with a body that is not JSON: ${oneLine(text, 120)}`);
      }
    },
    async health(timeoutMs: number): Promise<boolean> {
      try {
        const response = await doFetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return false;
        const body = (await response.json()) as { available?: unknown };
        return body.available === true;
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
