/** MySQL SSL modes → mysql2 options, and Temporal mTLS / API-key connection options. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import type { SourceEndpoint } from '../../config/sources';
import { temporalConnectionOptions } from '../../worker/temporal-connection';

function poolSsl(endpoint: SourceEndpoint): unknown {
  const sources = createMysqlSources({ acode: { primary: endpoint } }, { ACODE_PASS: 'never-used-here' });
  // The promise pool wraps mysql2's core pool, whose config is what each connection is opened with.
  const pool = sources.pool({ system: 'acode', role: 'primary' }) as unknown as { pool: { config: { connectionConfig: { ssl?: unknown } } } };
  const ssl = pool.pool.config.connectionConfig.ssl;
  void sources.close();
  return ssl;
}

const base: SourceEndpoint = { host: 'db.example.internal', port: 3306, user: 'reader', database: 'acode_farmarcas', passwordEnv: 'ACODE_PASS' };

describe('MySQL SSL modes', () => {
  it('disabled and preferred connect without TLS options', () => {
    expect(poolSsl({ ...base, sslMode: 'disabled' })).toBe(false);
    expect(poolSsl({ ...base, sslMode: 'preferred' })).toBe(false);
  });

  it('required asks for TLS without checking the certificate chain', () => {
    expect(poolSsl({ ...base, sslMode: 'required' })).toMatchObject({ rejectUnauthorized: false });
  });

  it('verify-identity asks for TLS that checks the certificate and carries the configured CA', () => {
    const ssl = poolSsl({ ...base, sslMode: 'verify-identity', sslCa: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }) as { rejectUnauthorized?: boolean; ca?: unknown };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.ca).toBeDefined();
  });
});

describe('Temporal connection options', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'temporal-tls-'));
  const cert = path.join(dir, 'client.pem');
  const key = path.join(dir, 'client.key');
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
  writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const none = { TEMPORAL_TLS_CERT_PATH: undefined, TEMPORAL_TLS_KEY_PATH: undefined, TEMPORAL_TLS_CA_PATH: undefined };

  it('plain connection when nothing is configured', () => {
    expect(temporalConnectionOptions(none, 'temporal:7233', {})).toEqual({ address: 'temporal:7233', tls: undefined, apiKey: undefined });
  });

  it('mTLS reads the client pair and the CA from their files', () => {
    const options = temporalConnectionOptions({ TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: key, TEMPORAL_TLS_CA_PATH: ca }, 'ns.tmprl.cloud:7233', {});
    expect(options.tls?.clientCertPair?.crt.toString()).toContain('client');
    expect(options.tls?.clientCertPair?.key.toString()).toContain('PRIVATE KEY');
    expect(options.tls?.serverRootCACertificate?.toString()).toContain('ca');
    expect(options.apiKey).toBeUndefined();
  });

  it('an API key turns TLS on without a client certificate', () => {
    const options = temporalConnectionOptions(none, 'ns.tmprl.cloud:7233', { TEMPORAL_API_KEY: 'api-key-value-123' });
    expect(options.apiKey).toBe('api-key-value-123');
    expect(options.tls).toEqual({ serverRootCACertificate: undefined });
  });

  it('refuses a certificate without its key, and names an unreadable file without printing secrets', () => {
    expect(() => temporalConnectionOptions({ ...none, TEMPORAL_TLS_CERT_PATH: cert }, 'x:7233', {})).toThrow(
      'invalid configuration: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
    );
    const missing = path.join(dir, 'missing.key');
    let message = '';
    try {
      temporalConnectionOptions({ TEMPORAL_TLS_CERT_PATH: cert, TEMPORAL_TLS_KEY_PATH: missing, TEMPORAL_TLS_CA_PATH: undefined }, 'x:7233', { TEMPORAL_API_KEY: 'api-key-value-123' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(`cannot read Temporal client key at ${missing}: ENOENT`);
    expect(message).not.toContain('api-key-value-123');
  });
});
