/**
 * Runtime configuration from the environment, validated once at start-up.
 * Endpoints and the *names* of secrets live here; secret values stay in the
 * environment and are read only by the client that needs them.
 * A bad value stops start-up with one line naming the variable.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SourceEndpoint, SourceEndpoints } from './sources';
import { BUCKETS, SYSTEMS, type BucketRole, type SystemName } from './pipelines';
import { loadTemporalSettings, type TemporalSettings } from './temporal';

const port = z.coerce.number().int().min(1).max(65535);
const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const systemList = z.string().transform((text, ctx): SystemName[] => {
  const names = text.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.find((name) => !(SYSTEMS as readonly string[]).includes(name));
  if (unknown !== undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a comma-separated list of ${SYSTEMS.join(', ')}, got ${JSON.stringify(unknown.slice(0, 40))}` });
    return z.NEVER;
  }
  return [...new Set(names)] as SystemName[];
});
const connectionIdList = z.string().transform((text, ctx): Record<string, string> => {
  const ids: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_.-]+)=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/.exec(pair);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `expected name=uuid pairs separated by commas, got ${JSON.stringify(pair.slice(0, 80))}` });
      return z.NEVER;
    }
    ids[match[1]] = match[2].toLowerCase();
  }
  return ids;
});
const sslMode = z.enum(['disabled', 'preferred', 'required', 'verify-identity']);

const schema = z.object({
  // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and TEMPORAL_TLS_*: Temporal's own loader (temporal.ts).
  TEMPORAL_TASK_QUEUE: z.string().default('ingestion'),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  /** Where the embedded stack serves Temporal's UI (loopback unless said otherwise; port 0: any free one). */
  TEMPORAL_UI_HOST: z.string().default('127.0.0.1'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),

  ACODE_HOST: z.string().optional(),
  ACODE_PORT: port.default(3306),
  ACODE_USER: z.string().default('userfarmarcasac02'),
  ACODE_DATABASE: z.string().default('acode_farmarcas'),
  ACODE_BACKUP_HOST: z.string().optional(),
  ACODE_BACKUP_PORT: port.default(3306),
  ACODE_BACKUP_USER: z.string().default('userfarmarcasac02'),
  RADAR_HOST: z.string().optional(),
  RADAR_PORT: port.default(3306),
  RADAR_USER: z.string().default('bi-cognitivo-read'),
  RADAR_DATABASE: z.string().default('radar'),
  MYSQL_SSL_MODE: sslMode.default('preferred'),
  MYSQL_SSL_CA_PATH: z.string().optional(),

  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-2'),
  S3_SSE: z.enum(['AES256', 'none']).default('AES256'),
  S3_BUCKET_BRONZE: z.string().default(BUCKETS.bronze),
  S3_BUCKET_BACKUP: z.string().default(BUCKETS.backup),
  S3_BUCKET_QUARANTINE: z.string().default(BUCKETS.quarantine),

  SYNC_ENGINE: z.enum(['direct', 'airbyte']).default('direct'),
  /** Direct engine: connections reading key slices of one table at once (default: one per two cores of the worker). */
  EXTRACT_RANGE_CONNECTIONS: whole(1, 64).optional(),
  /** Direct engine: keys per activity; a bigger table is read by one activity per slice, on any worker (default 10,000,000). */
  EXTRACT_ROWS_PER_ACTIVITY: whole(1000, 1_000_000_000).optional(),
  AIRBYTE_URL: z.string().url().optional(),
  /** The workspace whose connections/list finds connections by name (Airbyte 1.7 removed workspaces/list). */
  AIRBYTE_WORKSPACE_ID: z.guid().optional(),
  /** name=uuid pairs, comma-separated: connection ids that need no look-up. */
  AIRBYTE_CONNECTION_IDS: connectionIdList.default({}),
  // The Airbyte credentials (AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET or AIRBYTE_USERNAME/AIRBYTE_PASSWORD)
  // are read by airbyteCredentials() only, on the activity side.
  SLACK_WEBHOOK_DATA_ENGINEERING: z.string().url().optional(),
  SLACK_WEBHOOK_ALERTS: z.string().url().optional(),
  PAGERDUTY_EVENTS_URL: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
  METRICS_PORT: port.optional(),
  /** json: one JSON object a line; pretty: readable lines (the default on a terminal). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOG_LEVEL: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['trace', 'debug', 'info', 'warn', 'error'])).optional(),

  // The alert intake (orchestrator serve-alerts). Its secret is ALERT_INTAKE_TOKEN or the file
  // ALERT_INTAKE_TOKEN_FILE names, read by alertIntakeToken() only.
  ALERT_INTAKE_TOKEN_FILE: z.string().optional(),
  /** Alerts in one request (Alertmanager: set max_alerts to at most this). */
  ALERT_INTAKE_MAX_ALERTS: whole(1, 1000).default(100),
  /** Dates an alert may name: today and this many days before (UTC). */
  ALERT_INTAKE_WINDOW_DAYS: whole(0, 90).default(7),
  /** Recoveries started per minute, per sender address and overall (joining a running one is free). */
  ALERT_INTAKE_RATE_PER_SENDER: whole(1, 10_000).default(10),
  ALERT_INTAKE_RATE_TOTAL: whole(1, 10_000).default(30),
  ALERT_INTAKE_MAX_BODY_BYTES: whole(1024, 16 * 1024 * 1024).default(1024 * 1024),
  ALERT_INTAKE_MAX_CONNECTIONS: whole(1, 100_000).default(256),
  ALERT_INTAKE_MAX_CONNECTIONS_PER_SENDER: whole(1, 100_000).default(32),
  /** Bound on receiving a whole request; headers must arrive within ALERT_INTAKE_HEADERS_TIMEOUT_MS. */
  ALERT_INTAKE_REQUEST_TIMEOUT_MS: whole(100, 600_000).default(10_000),
  ALERT_INTAKE_HEADERS_TIMEOUT_MS: whole(100, 600_000).default(5_000),
  /** Systems whose alerts may start a full backup restore (quarantine); others go to manual intervention. */
  ALERT_ALLOW_RESTORE: systemList.default([]),
});

export type EnvConfig = z.infer<typeof schema> & { temporal: TemporalSettings };

/** The whole configuration, read once; `overrides` (the embedded stack's endpoints) win over the environment. */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, string> = {}): EnvConfig {
  // An empty variable (compose's `${VAR:-}`) means unset.
  const given = Object.fromEntries(
    Object.entries({ ...env, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''),
  );
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return { ...parsed.data, temporal: loadTemporalSettings(given, parsed.data.TEMPORAL_TASK_QUEUE) };
}

/** The shortest alert intake secret accepted. */
export const MIN_INTAKE_TOKEN_LENGTH = 16;

/**
 * The alert intake's secret: ALERT_INTAKE_TOKEN, or the first line of the file
 * ALERT_INTAKE_TOKEN_FILE names (a mounted Kubernetes secret); undefined when
 * neither is set. A problem is one line naming the variable, never the value.
 */
export function alertIntakeToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const inline = given('ALERT_INTAKE_TOKEN');
  const file = given('ALERT_INTAKE_TOKEN_FILE')?.trim();
  if (inline !== undefined && file !== undefined) {
    throw new Error('invalid configuration: ALERT_INTAKE_TOKEN and ALERT_INTAKE_TOKEN_FILE: set one, not both');
  }
  let name = 'ALERT_INTAKE_TOKEN';
  let token = inline?.trim();
  if (file !== undefined) {
    name = 'ALERT_INTAKE_TOKEN_FILE';
    try {
      token = readFileSync(file, 'utf8').split(/\r?\n/)[0].trim();
    } catch (err) {
      throw new Error(`invalid configuration: ALERT_INTAKE_TOKEN_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (token === undefined) return undefined;
  if (token.length < MIN_INTAKE_TOKEN_LENGTH || /\s/.test(token)) {
    throw new Error(`invalid configuration: ${name}: expected a token of at least ${MIN_INTAKE_TOKEN_LENGTH} characters without spaces`);
  }
  return token;
}

/** How the Airbyte client authenticates: an application's client credentials (bearer tokens), basic auth, or nothing. */
export type AirbyteCredentials =
  | { kind: 'client_credentials'; clientId: string; clientSecret: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'none' };

/**
 * The Airbyte credentials from AIRBYTE_CLIENT_ID + AIRBYTE_CLIENT_SECRET (Airbyte
 * 1.x applications) or AIRBYTE_USERNAME + AIRBYTE_PASSWORD (a deployment behind
 * basic auth); none when neither pair is set. Read on the activity side only; a
 * problem is one line naming the variables, never a value.
 */
export function airbyteCredentials(env: NodeJS.ProcessEnv = process.env): AirbyteCredentials {
  const given = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const clientId = given('AIRBYTE_CLIENT_ID');
  const clientSecret = given('AIRBYTE_CLIENT_SECRET');
  const username = given('AIRBYTE_USERNAME');
  const password = given('AIRBYTE_PASSWORD');
  const app = clientId !== undefined || clientSecret !== undefined;
  const basic = username !== undefined || password !== undefined;
  if (app && basic) {
    throw new Error('invalid configuration: AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET and AIRBYTE_USERNAME/AIRBYTE_PASSWORD: set one pair, not both');
  }
  if (app) {
    if (clientId === undefined || clientSecret === undefined) {
      throw new Error('invalid configuration: AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET: set both or neither');
    }
    return { kind: 'client_credentials', clientId, clientSecret };
  }
  if (basic) {
    if (username === undefined || password === undefined) {
      throw new Error('invalid configuration: AIRBYTE_USERNAME and AIRBYTE_PASSWORD: set both or neither');
    }
    return { kind: 'basic', username, password };
  }
  return { kind: 'none' };
}

/** True when no outside MySQL or S3 is configured: the main job then starts its embedded stack. */
export function wantsEmbeddedStack(config: EnvConfig): boolean {
  return !config.ACODE_HOST && !config.RADAR_HOST && !config.S3_ENDPOINT;
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`invalid configuration: MYSQL_SSL_CA_PATH: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

export function sourceEndpoints(config: EnvConfig): SourceEndpoints {
  const tls = { sslMode: config.MYSQL_SSL_MODE, sslCa: config.MYSQL_SSL_CA_PATH ? readCaFile(config.MYSQL_SSL_CA_PATH) : undefined };
  const endpoint = (host: string | undefined, rest: Omit<SourceEndpoint, 'host'>): SourceEndpoint | undefined =>
    host ? { host, ...rest, ...tls } : undefined;
  return {
    acode: {
      primary: endpoint(config.ACODE_HOST, { port: config.ACODE_PORT, user: config.ACODE_USER, database: config.ACODE_DATABASE, passwordEnv: 'ACODE_PASS' }),
      backup: endpoint(config.ACODE_BACKUP_HOST, { port: config.ACODE_BACKUP_PORT, user: config.ACODE_BACKUP_USER, database: config.ACODE_DATABASE, passwordEnv: 'ACODE_BACKUP_PASS' }),
    },
    radar: {
      primary: endpoint(config.RADAR_HOST, { port: config.RADAR_PORT, user: config.RADAR_USER, database: config.RADAR_DATABASE, passwordEnv: 'RADAR_PASS' }),
    },
  };
}

export function bucketNames(config: EnvConfig): Record<BucketRole, string> {
  return { bronze: config.S3_BUCKET_BRONZE, backup: config.S3_BUCKET_BACKUP, quarantine: config.S3_BUCKET_QUARANTINE };
}

/** Where the Airbyte activities find the server and its connections (the credentials are read by the activities themselves). */
export function airbyteSettings(config: EnvConfig): { baseUrl: string; workspaceId?: string; connections: Record<string, string> } {
  return {
    baseUrl: config.AIRBYTE_URL ?? 'http://localhost:8001',
    ...(config.AIRBYTE_WORKSPACE_ID ? { workspaceId: config.AIRBYTE_WORKSPACE_ID } : {}),
    connections: config.AIRBYTE_CONNECTION_IDS,
  };
}
