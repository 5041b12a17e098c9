/**
 * Errors of a direct sync as the contract's failures: an ApplicationFailure
 * whose type is a FailureType recovery can act on, one line naming the
 * source or the object, never a password. MySQL and network errors are
 * classified by the project's classifier (mysql-errors.ts); this file only
 * adds the engine's own errors (bad identifiers, schema changes).
 */
import { ApplicationFailure } from '@temporalio/common';
import { InvalidIdentifierError, SchemaChangeError, TableNotFoundError } from './extract-columns';
import { classifyMysqlError, describeMysqlError } from '../mysql/mysql-errors';
import { failure, invalidInput } from '../../config/failures';

/**
 * A MySQL-side error of a sync of `table` from `source` (a label without
 * secrets); `redact` blanks the source's password out of driver text.
 */
export function mysqlFailure(err: unknown, source: string, table: string, redact: (text: string) => string = (t) => t): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof InvalidIdentifierError) {
    return invalidInput(err.message);
  }
  if (err instanceof SchemaChangeError || err instanceof TableNotFoundError) {
    return failure('schema_change', `${source}: ${err.message}`);
  }
  const type = classifyMysqlError(err);
  return failure(type, `reading ${table} from ${source} failed: ${redact(describeMysqlError(err))}`, { cause: err });
}

/** An error of the Parquet writer (e.g. DuckDB out of memory) while writing `table`'s files. */
export function parquetWriteFailure(err: unknown, table: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return failure('unknown', `writing Parquet files of ${table} failed: ${detail}`, { cause: err });
}
