/**
 * Who may post alerts: a sender presenting the intake's secret in one of the
 * forms monitoring systems can send, read from the headers before any body:
 *   Authorization: Bearer <token>         Alertmanager http_config.authorization
 *   Authorization: Basic <user:token>     Alertmanager http_config.basic_auth (any user name)
 *   X-Alert-Token: <token>                DataDog webhook custom headers
 * Each candidate is compared with the secret in constant time (SHA-256 digests
 * of both, crypto.timingSafeEqual on the equal-length digests), so neither
 * the length nor a prefix of the secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const TOKEN_HEADER = 'x-alert-token';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Every secret the headers present: the bearer token, the basic-auth password, the X-Alert-Token header. */
export function presentedSecrets(headers: IncomingHttpHeaders): string[] {
  const found: string[] = [];
  const authorization = single(headers.authorization)?.trim() ?? '';
  const [scheme, credentials = ''] = authorization.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '') && credentials) found.push(credentials);
  if (/^basic$/i.test(scheme ?? '') && credentials) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) found.push(decoded.slice(colon + 1));
  }
  const header = single(headers[TOKEN_HEADER])?.trim();
  if (header) found.push(header);
  return found;
}

/** A check of request headers against `secret`; every candidate is compared, so the time does not say which form failed. */
export function secretCheck(secret: string): (headers: IncomingHttpHeaders) => boolean {
  const expected = digest(secret);
  return (headers) => {
    let ok = false;
    for (const candidate of presentedSecrets(headers)) {
      if (timingSafeEqual(digest(candidate), expected)) ok = true;
    }
    return ok;
  };
}

/** Whether a listen address reaches only this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
