/**
 * Maps MySQL/MariaDB client errors (mysql2 and Node socket errors) to the
 * failure types recovery acts on. Pure: no I/O, unit-tested on plain objects.
 */
import type { FailureType } from '../../config/failures';

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  errors?: unknown;
}

const BY_CODE: Record<string, FailureType> = {
  ER_ACCESS_DENIED_ERROR: 'authentication_failed',
  ER_DBACCESS_DENIED_ERROR: 'authentication_failed',
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: 'authentication_failed',
  ER_PASSWORD_EXPIRED: 'authentication_failed',
  ETIMEDOUT: 'connection_timeout',
  PROTOCOL_SEQUENCE_TIMEOUT: 'connection_timeout',
  ECONNREFUSED: 'primary_db_down',
  ECONNRESET: 'primary_db_down',
  EPIPE: 'primary_db_down',
  PROTOCOL_CONNECTION_LOST: 'primary_db_down',
  ER_SERVER_SHUTDOWN: 'primary_db_down',
  ER_CON_COUNT_ERROR: 'primary_db_down',
  CR_SERVER_GONE_ERROR: 'primary_db_down',
  CR_SERVER_LOST: 'primary_db_down',
  EHOSTUNREACH: 'network_partition',
  ENETUNREACH: 'network_partition',
  EHOSTDOWN: 'network_partition',
  ENOTFOUND: 'network_partition',
  EAI_AGAIN: 'network_partition',
  ER_NO_SUCH_TABLE: 'schema_change',
  ER_BAD_FIELD_ERROR: 'schema_change',
  ER_BAD_DB_ERROR: 'schema_change',
};

const BY_ERRNO: Record<number, FailureType> = {
  1044: 'authentication_failed',
  1045: 'authentication_failed',
  1040: 'primary_db_down',
  1053: 'primary_db_down',
  2002: 'primary_db_down',
  2003: 'primary_db_down',
  2006: 'primary_db_down',
  2013: 'primary_db_down',
  1146: 'schema_change',
  1054: 'schema_change',
  1049: 'schema_change',
};

/**
 * The failure type of a MySQL client error; 'unknown' when nothing matches.
 * `connecting`: the error ended a connection attempt before the session was
 * established. A reset then — the TCP connection opened and was reset before
 * the server said anything — is the network path refusing (a firewall REJECT,
 * a middlebox), not the server: a server that is down refuses the connect
 * (ECONNREFUSED), one that dies mid-session resets after its greeting.
 */
export function classifyMysqlError(error: unknown, context: { connecting?: boolean } = {}): FailureType {
  if (!error || typeof error !== 'object') return 'unknown';
  const e = error as ErrorLike;
  if (context.connecting && e.code === 'ECONNRESET') return 'network_partition';
  if (typeof e.code === 'string' && BY_CODE[e.code]) return BY_CODE[e.code];
  if (typeof e.errno === 'number' && BY_ERRNO[e.errno]) return BY_ERRNO[e.errno];
  // Node reports a failed connection to several addresses as an AggregateError: the first known cause decides.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const type = classifyMysqlError(inner, context);
      if (type !== 'unknown') return type;
    }
  }
  const message = typeof e.message === 'string' ? e.message : '';
  if (/connect ETIMEDOUT|connection timed out|connect timeout/i.test(message)) return 'connection_timeout';
  if (/Access denied for user/i.test(message)) return 'authentication_failed';
  return 'unknown';
}

/** One line describing the error, with any of `secrets` blanked out. */
export function describeMysqlError(error: unknown, secrets: string[] = []): string {
  const e = (error && typeof error === 'object' ? error : {}) as ErrorLike;
  let text = typeof e.message === 'string' && e.message ? e.message : String(error);
  if (!text.trim() && Array.isArray(e.errors) && e.errors.length) text = describeMysqlError(e.errors[0], secrets);
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && !text.includes(code)) text = `${code}: ${text}`;
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
