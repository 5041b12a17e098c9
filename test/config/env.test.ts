import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEnvConfig, sourceEndpoints, wantsEmbeddedStack } from '../../config/env';

describe('environment configuration', () => {
  it('defaults to the seeds: users, databases, buckets, region, AES256', () => {
    const config = loadEnvConfig({});
    expect(config.ACODE_USER).toBe('userfarmarcasac02');
    expect(config.RADAR_USER).toBe('bi-cognitivo-read');
    expect(config.S3_BUCKET_BRONZE).toBe('farmarcas-production-bronze');
    expect(config.S3_REGION).toBe('us-east-2');
    expect(config.S3_SSE).toBe('AES256');
    expect(wantsEmbeddedStack(config)).toBe(true);
  });

  it('takes an empty variable as unset, as docker compose passes ${VAR:-}', () => {
    const config = loadEnvConfig({ SLACK_WEBHOOK_ALERTS: '', S3_ENDPOINT: '  ', ACODE_PORT: '' });
    expect(config.SLACK_WEBHOOK_ALERTS).toBeUndefined();
    expect(config.S3_ENDPOINT).toBeUndefined();
    expect(config.ACODE_PORT).toBe(3306);
  });

  it('stops on a bad value with one line naming the variable', () => {
    expect(() => loadEnvConfig({ ACODE_PORT: 'three' })).toThrow(/^invalid configuration: ACODE_PORT: /);
    expect(() => loadEnvConfig({ MYSQL_SSL_MODE: 'sometimes' })).toThrow(/MYSQL_SSL_MODE/);
  });

  it('names passwords by environment variable only, and reads the CA file for verify-identity', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'env-ca-'));
    const caPath = path.join(dir, 'ca.pem');
    writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadEnvConfig({ ACODE_HOST: 'db-hsp', ACODE_BACKUP_HOST: 'replica', MYSQL_SSL_MODE: 'verify-identity', MYSQL_SSL_CA_PATH: caPath });
    const endpoints = sourceEndpoints(config);
    expect(endpoints.acode?.primary).toMatchObject({ host: 'db-hsp', passwordEnv: 'ACODE_PASS', sslMode: 'verify-identity' });
    expect(endpoints.acode?.backup).toMatchObject({ host: 'replica', passwordEnv: 'ACODE_BACKUP_PASS' });
    expect(endpoints.acode?.primary?.sslCa).toContain('BEGIN CERTIFICATE');
    expect(endpoints.radar?.primary).toBeUndefined();
  });

  it('says which CA file it cannot read', () => {
    const config = loadEnvConfig({ ACODE_HOST: 'db', MYSQL_SSL_CA_PATH: '/nonexistent/ca.pem' });
    expect(() => sourceEndpoints(config)).toThrow('invalid configuration: MYSQL_SSL_CA_PATH: cannot read /nonexistent/ca.pem (ENOENT)');
  });
});
