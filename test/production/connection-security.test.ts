/** MySQL SSL modes → mysql2 options, and Temporal mTLS / API-key connection options. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import type { SourceEndpoint } from '../../config/sources';
import { loadTemporalSettings } from '../../config/temporal';

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
  const load = (env: Record<string, string>) => loadTemporalSettings(env, 'ingestion');

  it('plain connection when nothing is configured', () => {
    const settings = load({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(settings).toMatchObject({ address: 'temporal:7233', addressConfigured: true, namespace: 'default', taskQueue: 'ingestion' });
    expect(settings.connection).toMatchObject({ address: 'temporal:7233', tls: undefined, apiKey: undefined });
    expect(load({}).address).toBe('localhost:7233');
    expect(load({}).addressConfigured).toBe(false);
  });

  it("mTLS reads the client pair and the CA from their files, through Temporal's own variables", () => {
    const { connection } = load({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca });
    const tls = connection.tls as { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer };
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toContain('client');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toContain('PRIVATE KEY');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toContain('ca');
    expect(connection.apiKey).toBeUndefined();
  });

  it('an API key turns TLS on without a client certificate; the namespace comes along', () => {
    const settings = load({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'api-key-value-123', TEMPORAL_NAMESPACE: 'farmarcas.abc12' });
    expect(settings.connection.apiKey).toBe('api-key-value-123');
    expect(settings.connection.tls).toBe(true);
    expect(settings.namespace).toBe('farmarcas.abc12');
  });

  it('refuses a certificate without its key, and names an unreadable file without printing secrets', () => {
    expect(() => load({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).toThrow(
      'invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together',
    );
    const missing = path.join(dir, 'missing.key');
    let message = '';
    try {
      load({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: missing, TEMPORAL_API_KEY: 'api-key-value-123' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(`invalid configuration: TEMPORAL_TLS_CLIENT_KEY_PATH: cannot read ${missing} (ENOENT)`);
    expect(message).not.toContain('api-key-value-123');
  });

  it('refuses an address that is not host:port', () => {
    expect(() => load({ TEMPORAL_ADDRESS: 'temporal 7233' })).toThrow('invalid configuration: TEMPORAL_ADDRESS: expected host:port, got "temporal 7233"');
  });
});
