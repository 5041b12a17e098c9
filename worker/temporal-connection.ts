/**
 * Connection options for a real Temporal cluster: address, namespace, mTLS
 * (client certificate and key, optional server CA) and Temporal Cloud API keys.
 * The API key is read from TEMPORAL_API_KEY here and nowhere else.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { EnvConfig } from '../config/env';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read Temporal ${what} at ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export function temporalConnectionOptions(
  config: Pick<EnvConfig, 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_TLS_CA_PATH'>,
  address: string,
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionOptions {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const { TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: key, TEMPORAL_TLS_CA_PATH: ca } = config;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('invalid configuration: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  let tls: TLSConfig | undefined;
  if (cert && key) {
    tls = {
      clientCertPair: { crt: readPem(cert, 'client certificate'), key: readPem(key, 'client key') },
      serverRootCACertificate: ca ? readPem(ca, 'CA certificate') : undefined,
    };
  } else if (ca || apiKey) {
    // Temporal Cloud with an API key needs TLS without a client certificate.
    tls = { serverRootCACertificate: ca ? readPem(ca, 'CA certificate') : undefined };
  }
  return { address, tls, apiKey };
}
