/**
 * Errors of a direct sync as the contract's failures: an ApplicationFailure
 * whose type is a FailureType recovery can act on, one line naming the
 * source or the object, never a password.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FailureType } from '../config/failures';
import { InvalidIdentifierError, SchemaChangeError, TableNotFoundError } from './extract-columns';

interface MysqlLikeError {
  code?: string;
  errno?: number;
  message?: string;
  fatal?: boolean;
}

const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_GONE_ERROR',
  'CR_SERVER_GONE_ERROR',
  'CR_SERVER_LOST',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_LOCK_WAIT_TIMEOUT', 'ER_QUERY_TIMEOUT']);
const NETWORK_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const AUTH_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_TABLEACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);
const SCHEMA_CODES = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR']);

/** The failure type of a MySQL or network error met while extracting. */
export function classifyMysqlFailure(err: unknown): FailureType {
  const code = (err as MysqlLikeError)?.code ?? '';
  if (AUTH_CODES.has(code)) return 'authentication_failed';
  if (DOWN_CODES.has(code)) return 'primary_db_down';
  if (TIMEOUT_CODES.has(code)) return 'connection_timeout';
  if (NETWORK_CODES.has(code)) return 'network_partition';
  if (SCHEMA_CODES.has(code)) return 'schema_change';
  return 'unknown';
}

/** A MySQL-side error of a sync of `table` from `source` (a label without secrets). */
export function mysqlFailure(err: unknown, source: string, table: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof InvalidIdentifierError) {
    return ApplicationFailure.create({ type: 'invalid_input', nonRetryable: true, message: err.message });
  }
  if (err instanceof SchemaChangeError || err instanceof TableNotFoundError) {
    return ApplicationFailure.create({ type: 'schema_change', nonRetryable: true, message: `${source}: ${err.message}` });
  }
  const e = (err ?? {}) as MysqlLikeError;
  const type = classifyMysqlFailure(err);
  const detail = (e.message ?? String(err)).split('\n')[0];
  return ApplicationFailure.create({
    type,
    nonRetryable: type === 'schema_change',
    message: `reading ${table} from ${source} failed: ${e.code ? `${e.code}: ` : ''}${detail}`,
    cause: err instanceof Error ? err : undefined,
  });
}
