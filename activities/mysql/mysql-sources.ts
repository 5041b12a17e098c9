/**
 * The MySQL sources the activities read from, by name (system + role).
 * Passwords are read from the environment variable a source names, here and
 * nowhere else, so workflow and activity arguments never carry them.
 */
import { createConnection, createPool, type Connection, type Pool, type PoolOptions } from 'mysql2/promise';
import type { SourceRef } from '../types';
import type { SourceEndpoint, SourceEndpoints } from '../../config/sources';

export interface MysqlSources {
  /** A pool for the source; throws a clear error naming the source when it is not configured. */
  pool(ref: SourceRef): Pool;
  /** `acode/primary (host:port/database)`: for messages; never a password. */
  label(ref: SourceRef): string;
  endpoint(ref: SourceRef): SourceEndpoint;
  /** A single connection outside the pool, e.g. for a connectivity probe with its own timeout. */
  connect(ref: SourceRef, options?: { connectTimeoutMs?: number }): Promise<Connection>;
  /** `text` with the source's password blanked out, for messages built from driver errors. */
  redact(ref: SourceRef, text: string): string;
  close(): Promise<void>;
}

const CLIENT_OPTIONS = {
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
} as const;

function sslOptions(endpoint: SourceEndpoint): PoolOptions['ssl'] {
  switch (endpoint.sslMode ?? 'preferred') {
    case 'disabled':
    case 'preferred':
      // mysql2 has no "use TLS only if offered" mode; preferred connects in clear like the seeds' Airbyte sources when TLS is not configured.
      return undefined;
    case 'required':
      return { rejectUnauthorized: false };
    case 'verify-identity':
      return { rejectUnauthorized: true, ca: endpoint.sslCa };
  }
}

export function createMysqlSources(endpoints: SourceEndpoints, env: NodeJS.ProcessEnv = process.env): MysqlSources {
  const pools = new Map<string, Pool>();
  const endpoint = (ref: SourceRef): SourceEndpoint => {
    const found = endpoints[ref.system]?.[ref.role];
    if (!found) throw new Error(`no MySQL source configured for ${ref.system}/${ref.role}`);
    return found;
  };
  const label = (ref: SourceRef) => {
    const e = endpoint(ref);
    return `${ref.system}/${ref.role} (${e.host}:${e.port}/${e.database})`;
  };
  const password = (ref: SourceRef) => env[endpoint(ref).passwordEnv] ?? '';
  const connectionOptions = (ref: SourceRef) => {
    const e = endpoint(ref);
    return { host: e.host, port: e.port, user: e.user, database: e.database, password: password(ref), ssl: sslOptions(e), ...CLIENT_OPTIONS };
  };
  return {
    endpoint,
    label,
    connect(ref, options = {}) {
      return createConnection({ ...connectionOptions(ref), connectTimeout: options.connectTimeoutMs ?? 30_000 });
    },
    redact(ref, text) {
      const secret = password(ref);
      return secret ? text.split(secret).join('***') : text;
    },
    pool(ref) {
      const key = `${ref.system}/${ref.role}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = createPool({ ...connectionOptions(ref), connectionLimit: 4, connectTimeout: 30_000 });
        pools.set(key, pool);
      }
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.end()));
    },
  };
}
