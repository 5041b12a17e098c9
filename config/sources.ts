/**
 * Where a MySQL source lives: host, port, user, database and the *name* of the
 * environment variable holding its password (never the password itself).
 * Filled from the validated environment (env.ts) or by the embedded stack.
 */
import type { SourceRole, SystemName } from './pipelines';

export interface SourceEndpoint {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Name of the environment variable holding the password, e.g. ACODE_PASS. */
  passwordEnv: string;
  /** preferred: TLS when the server offers it; required: TLS or fail; verify-identity: TLS with CA and host check. */
  sslMode?: 'disabled' | 'preferred' | 'required' | 'verify-identity';
  /** PEM contents of the CA that signs the server's certificate (verify-identity). */
  sslCa?: string;
}

export type SourceEndpoints = Partial<Record<SystemName, Partial<Record<SourceRole, SourceEndpoint>>>>;
