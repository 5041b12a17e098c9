/**
 * Authentication of the simulator, as Airbyte deployments do it:
 *
 * - none: API_AUTHORIZATION_ENABLED=false (the community default before 1.x auth);
 * - client_credentials: POST /api/v1/applications/token (anonymous) takes an
 *   application's client_id and client_secret and answers a signed JWT with
 *   `exp` (ApplicationServiceMicronautImpl: iss, aud airbyte-server, sub, roles,
 *   exp = now + AB_AIRBYTE_AUTH_TOKEN_EXPIRATION_APPLICATION minutes, 15 by
 *   default); wrong credentials answer 400 "Invalid client id or token"; any
 *   other endpoint but health answers 401 without a valid, unexpired token;
 * - basic: a proxy in front of the server (older deployments) asking for basic auth.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type SimulatedAuthConfig =
  | { mode: 'none' }
  | { mode: 'client_credentials'; clientId: string; clientSecret: string; tokenLifetimeSeconds?: number }
  | { mode: 'basic'; username: string; password: string };

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 15 * 60;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SimulatedAuth {
  private readonly key = randomBytes(32);
  private readonly expired = new Set<string>();
  /** Every token issued, in order (for tests that search logs and histories for them). */
  readonly issued: string[] = [];
  /** Requests refused with 401, in order (path only). */
  readonly refusals: string[] = [];

  constructor(
    readonly config: SimulatedAuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get mode(): SimulatedAuthConfig['mode'] {
    return this.config.mode;
  }

  /** applications/token: a token for the right client credentials, undefined for wrong ones. */
  issue(clientId: string, clientSecret: string): string | undefined {
    const config = this.config;
    if (config.mode !== 'client_credentials') return undefined;
    if (!sameText(clientId, config.clientId) || !sameText(clientSecret, config.clientSecret)) return undefined;
    const iat = Math.floor(this.now() / 1000);
    const claims = {
      iss: 'airbyte-simulator',
      aud: 'airbyte-server',
      sub: '00000000-0000-0000-0000-000000000000',
      roles: ['ADMIN', 'INSTANCE_ADMIN'],
      iat,
      exp: iat + (config.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS),
      jti: randomUUID(),
    };
    const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
    const token = `${unsigned}.${createHmac('sha256', this.key).update(unsigned).digest('base64url')}`;
    this.issued.push(token);
    return token;
  }

  /** True when the Authorization header lets the request through. */
  accepts(authorization: string | undefined): boolean {
    const config = this.config;
    if (config.mode === 'none') return true;
    if (config.mode === 'basic') {
      const expected = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
      return authorization !== undefined && sameText(authorization, expected);
    }
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match) return false;
    const [header, payload, signature] = match[1].split('.');
    if (!header || !payload || !signature) return false;
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    if (!sameText(signature, expected)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number; jti: string };
      return claims.exp * 1000 > this.now() && !this.expired.has(claims.jti);
    } catch {
      return false;
    }
  }

  /** Every token issued so far expires now (as its `exp` passing would do), without waiting for it. */
  expireTokens(): void {
    for (const token of this.issued) {
      try {
        this.expired.add((JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { jti: string }).jti);
      } catch {
        // not one of ours
      }
    }
  }
}
