/**
 * A short-lived DuckDB database for reading and writing partition Parquet
 * files in bounded memory: an in-memory catalogue with a memory limit and a
 * temp directory to spill to, closed when the work is done.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Json } from '@duckdb/node-api';

export interface DuckDBLimits {
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  threads?: number;
}

export interface DuckDBSession {
  /** Rows as JSON-safe objects (BIGINT and DECIMAL as strings). */
  rows(sql: string): Promise<Record<string, Json>[]>;
  run(sql: string): Promise<void>;
  connection: DuckDBConnection;
  close(): void;
}

export const DEFAULT_DUCKDB_LIMITS: Required<DuckDBLimits> = { memoryLimit: '512MB', threads: 2 };

/** `'it''s'`: a SQL string literal. */
export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** `"col"`: a SQL identifier. */
export const sqlIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** `['a.parquet', 'b.parquet']`: a DuckDB list of file paths. */
export const sqlFileList = (paths: string[]) => `[${paths.map(sqlString).join(', ')}]`;

/**
 * A DuckDB database that lives longer than one query: several connections
 * (each a session of its own, running its queries beside the others'), one
 * memory limit and spill directory for all of them.
 */
export interface DuckDBDatabase {
  connect(): Promise<DuckDBSession>;
  close(): void;
}

export async function createDuckDBDatabase(
  spillDir: string,
  limits: DuckDBLimits & { preserveInsertionOrder?: boolean } = {},
): Promise<DuckDBDatabase> {
  const { memoryLimit, threads } = { ...DEFAULT_DUCKDB_LIMITS, ...limits };
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: memoryLimit,
    threads: String(threads),
    temp_directory: spillDir,
    preserve_insertion_order: String(limits.preserveInsertionOrder ?? false),
  });
  return {
    async connect() {
      const connection = await instance.connect();
      return {
        connection,
        async rows(sql) {
          return (await connection.runAndReadAll(sql)).getRowObjectsJson();
        },
        async run(sql) {
          await connection.run(sql);
        },
        close() {
          connection.closeSync();
        },
      };
    },
    close() {
      instance.closeSync();
    },
  };
}

/** A database with one connection, both closed by the session's close(). */
export async function openDuckDB(spillDir: string, limits: DuckDBLimits = {}): Promise<DuckDBSession> {
  const database = await createDuckDBDatabase(spillDir, limits);
  const session = await database.connect();
  return {
    ...session,
    close() {
      session.close();
      database.close();
    },
  };
}
