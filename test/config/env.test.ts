import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { airbyteSettings, alertIntakeToken, loadEnvConfig, sourceEndpoints, wantsEmbeddedStack } from '../../config/env';

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

  it('bounds the alert intake, with the issue\'s defaults, and lists the systems that may be restored from an alert', () => {
    const config = loadEnvConfig({});
    expect(config).toMatchObject({ ALERT_INTAKE_MAX_ALERTS: 100, ALERT_INTAKE_WINDOW_DAYS: 7, ALERT_INTAKE_MAX_BODY_BYTES: 1024 * 1024, ALERT_ALLOW_RESTORE: [] });
    expect(loadEnvConfig({ ALERT_ALLOW_RESTORE: ' ACODE, acode ' }).ALERT_ALLOW_RESTORE).toEqual(['acode']);
    expect(() => loadEnvConfig({ ALERT_ALLOW_RESTORE: 'acode,oracle' })).toThrow(/^invalid configuration: ALERT_ALLOW_RESTORE: expected a comma-separated list of acode, radar, got "oracle"/);
    expect(() => loadEnvConfig({ ALERT_INTAKE_MAX_ALERTS: '0' })).toThrow(/ALERT_INTAKE_MAX_ALERTS/);
    expect(() => loadEnvConfig({ ALERT_INTAKE_RATE_PER_SENDER: 'lots' })).toThrow(/ALERT_INTAKE_RATE_PER_SENDER/);
  });

  it('reads the intake secret from the variable or a file, never naming its value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'env-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'from-the-file-0123456789\n');
    expect(alertIntakeToken({})).toBeUndefined();
    expect(alertIntakeToken({ ALERT_INTAKE_TOKEN: '', ALERT_INTAKE_TOKEN_FILE: '' })).toBeUndefined();
    expect(alertIntakeToken({ ALERT_INTAKE_TOKEN: 'inline-0123456789abcdef' })).toBe('inline-0123456789abcdef');
    expect(alertIntakeToken({ ALERT_INTAKE_TOKEN_FILE: file })).toBe('from-the-file-0123456789');
    expect(() => alertIntakeToken({ ALERT_INTAKE_TOKEN: 'inline-0123456789abcdef', ALERT_INTAKE_TOKEN_FILE: file })).toThrow(/set one, not both/);
    expect(() => alertIntakeToken({ ALERT_INTAKE_TOKEN_FILE: path.join(dir, 'missing') })).toThrow(/ALERT_INTAKE_TOKEN_FILE: cannot read .* \(ENOENT\)/);
    for (const weak of ['short-secret', 'has a space in it 0123456789']) {
      expect(() => alertIntakeToken({ ALERT_INTAKE_TOKEN: weak })).toThrow(/^invalid configuration: ALERT_INTAKE_TOKEN: expected a token of at least 16 characters without spaces$/);
    }
    expect(loadEnvConfig({ ALERT_INTAKE_TOKEN: 'inline-0123456789abcdef' })).not.toHaveProperty('ALERT_INTAKE_TOKEN');
  });

  it('reads where the Airbyte engine finds its connections: configured ids and a workspace', () => {
    const id = '5b1f0c3e-8d2a-4c6b-9e7f-0a1b2c3d4e5f';
    const config = loadEnvConfig({ AIRBYTE_URL: 'http://airbyte:8001', AIRBYTE_WORKSPACE_ID: id, AIRBYTE_CONNECTION_IDS: ` connection_mysql_s3_acode=${id.toUpperCase()} , connection_mysql_s3_radar=${id}` });
    expect(airbyteSettings(config)).toEqual({
      baseUrl: 'http://airbyte:8001',
      workspaceId: id,
      connections: { connection_mysql_s3_acode: id, connection_mysql_s3_radar: id },
    });
    expect(airbyteSettings(loadEnvConfig({}))).toEqual({ baseUrl: 'http://localhost:8001', connections: {} });
    expect(() => loadEnvConfig({ AIRBYTE_CONNECTION_IDS: 'connection_mysql_s3_acode:nope' })).toThrow(
      /^invalid configuration: AIRBYTE_CONNECTION_IDS: expected name=uuid pairs separated by commas, got "connection_mysql_s3_acode:nope"$/,
    );
    expect(() => loadEnvConfig({ AIRBYTE_WORKSPACE_ID: 'workspace-1' })).toThrow(/^invalid configuration: AIRBYTE_WORKSPACE_ID: /);
  });
});
