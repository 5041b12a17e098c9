/**
 * The Authorization header of Airbyte requests. Client credentials (Airbyte
 * 1.x applications): POST /api/v1/applications/token answers a short-lived JWT
 * (15 min by default, AB_AIRBYTE_AUTH_TOKEN_EXPIRATION_APPLICATION); it is
 * cached, fetched again before its `exp`, and dropped when the server answers
 * 401 so the next request fetches a fresh one. Basic auth (deployments behind
 * a proxy): a fixed header. Tokens and secrets never leave this module except
 * in the header; `secrets()` lists them so messages can be scrubbed.
 */
import type { AirbyteCredentials } from '../../config/env';

/** When a token's expiry cannot be read: the shortest lifetime Airbyte configures (the community edition's 180 s). */
export const ASSUMED_TOKEN_LIFETIME_MS = 180_000;
/** A token is replaced this long before it expires (at most a fifth of its lifetime). */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface AirbyteAuth {
  readonly kind: AirbyteCredentials['kind'];
  /** The header for the next request (a token is fetched when none is valid), or undefined without credentials. */
  header(signal?: AbortSignal): Promise<string | undefined>;
  /** The server refused `header`: forget that token. False when nothing can be refreshed (basic, none). */
  refused(header: string | undefined): boolean;
  /** Values no message may carry: the secret or password and every token fetched. */
  secrets(): readonly string[];
  /** Tokens fetched so far (for logs: a count, never a value). */
  readonly tokensFetched: number;
}

export interface AuthOptions {
  /** Fetches a token with the client credentials (POST applications/token). */
  fetchToken(credentials: { clientId: string; clientSecret: string }, signal?: AbortSignal): Promise<string>;
  now?: () => number;
  /** Called after each token fetched, with its lifetime in seconds (for a log line). */
  onToken?: (lifetimeSeconds: number) => void;
}

/** The `exp` claim of a JWT, in ms; undefined when the token is not a readable JWT. */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function createAirbyteAuth(credentials: AirbyteCredentials, options: AuthOptions): AirbyteAuth {
  const now = options.now ?? Date.now;
  const fetched: string[] = [];
  if (credentials.kind === 'none') {
    return { kind: 'none', header: async () => undefined, refused: () => false, secrets: () => [], tokensFetched: 0 };
  }
  if (credentials.kind === 'basic') {
    const header = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    const secrets = [credentials.password, header.slice('Basic '.length)];
    return { kind: 'basic', header: async () => header, refused: () => false, secrets: () => secrets, tokensFetched: 0 };
  }

  let current: { header: string; refreshAtMs: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const fetchNew = async (signal?: AbortSignal): Promise<string> => {
    const token = await options.fetchToken({ clientId: credentials.clientId, clientSecret: credentials.clientSecret }, signal);
    fetched.push(token);
    if (fetched.length > 100) fetched.shift();
    const issuedAtMs = now();
    const expiresAtMs = tokenExpiryMs(token) ?? issuedAtMs + ASSUMED_TOKEN_LIFETIME_MS;
    const lifetimeMs = Math.max(0, expiresAtMs - issuedAtMs);
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, Math.floor(lifetimeMs / 5));
    const header = `Bearer ${token}`;
    current = { header, refreshAtMs: expiresAtMs - margin };
    options.onToken?.(Math.round(lifetimeMs / 1000));
    return header;
  };

  return {
    kind: 'client_credentials',
    async header(signal) {
      if (current && now() < current.refreshAtMs) return current.header;
      inFlight ??= fetchNew(signal).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    refused(header) {
      if (current && current.header === header) current = undefined;
      return true;
    },
    secrets: () => [credentials.clientSecret, ...fetched],
    get tokensFetched() {
      return fetched.length;
    },
  };
}
