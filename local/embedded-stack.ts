/**
 * The embedded default stack for a machine with no outside services: MariaDB
 * primary and replica with sample data, moto's S3 server, an Airbyte API
 * simulator running the direct engine, Slack and PagerDuty receivers, and
 * (unless TEMPORAL_ADDRESS is set) Temporal's dev server with its UI.
 * It returns the environment that points the worker at these pieces.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { startMariaDbPair, type MariaDbPair } from './mariadb/pair';
import { ensureSampleData } from './sampledata/ensure-sample-data';
import { startS3Server, LOCAL_S3_CREDENTIALS } from '../engines/s3-server';
import { startTemporalDevServer } from '../engines/temporal-dev-server';
import { engineExecutable } from '../engines/executables';
import { startDirectAirbyteSimulator } from './airbyte/direct-simulator';
import { startSlackReceiver } from './alerts/slack-receiver';
import { startPagerDutyReceiver } from './alerts/pagerduty-receiver';
import { createMysqlSources } from '../activities/mysql/mysql-sources';
import { BUCKETS } from '../config/pipelines';

export interface EmbeddedStackOptions {
  dataDir: string;
  /** Start Temporal's dev server — false when TEMPORAL_ADDRESS points elsewhere. */
  temporal: boolean;
  acodeFiscalRows: number;
  /** Where Temporal's UI listens (with the dev server only; port 0: a free one). */
  ui?: { host: string; port: number };
  log: (line: string) => void;
}

export interface EmbeddedStack {
  /** Where the stack's services are (hosts, ports, URLs), as values for loadEnvConfig's overrides. */
  endpoints: Record<string, string>;
  pair: MariaDbPair;
  /** Temporal's UI of the dev server. */
  ui?: { url: string };
  shutdown(): Promise<void>;
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const stops: (() => Promise<void>)[] = [];
  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  // The engines first: a missing one is named before anything starts.
  engineExecutable('moto_server');
  if (options.temporal) engineExecutable('temporal');
  try {
    options.log('starting MariaDB primary and replica');
    const pair = await startMariaDbPair({ baseDir: path.join(options.dataDir, 'mariadb') });
    stops.push(() => pair.shutdown());
    pair.applyCredentials();
    const sample = await ensureSampleData(pair, { acode: { fiscalRows: options.acodeFiscalRows }, radar: {} });
    options.log(`sample data ${sample.loaded ? 'loaded' : 'found'}: ${sample.acodeRows} ACODE fiscal rows, ${sample.radarTables} Radar tables`);

    const s3 = await startS3Server();
    stops.push(() => s3.shutdown());
    options.log(`S3 server (moto, in memory) at ${s3.endpoint}`);

    const sources = createMysqlSources(pair.endpoints);
    stops.push(() => sources.close());
    // The simulator asks for an application's client credentials, as Airbyte 1.x does; the worker reads them from the environment.
    const airbyteClient = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
    const airbyte = await startDirectAirbyteSimulator({ sources, s3: s3.client(), buckets: { ...BUCKETS }, auth: { mode: 'client_credentials', ...airbyteClient } });
    stops.push(() => airbyte.close());

    const slack = await startSlackReceiver();
    stops.push(() => slack.close());
    const pagerDuty = await startPagerDutyReceiver();
    stops.push(() => pagerDuty.close());

    const endpoints: Record<string, string> = {
      ACODE_HOST: pair.endpoints.acode.primary.host,
      ACODE_PORT: String(pair.endpoints.acode.primary.port),
      ACODE_BACKUP_HOST: pair.endpoints.acode.backup.host,
      ACODE_BACKUP_PORT: String(pair.endpoints.acode.backup.port),
      ACODE_USER: pair.endpoints.acode.primary.user,
      ACODE_BACKUP_USER: pair.endpoints.acode.backup.user,
      RADAR_HOST: pair.endpoints.radar.primary.host,
      RADAR_PORT: String(pair.endpoints.radar.primary.port),
      RADAR_USER: pair.endpoints.radar.primary.user,
      MYSQL_SSL_MODE: 'disabled',
      S3_ENDPOINT: s3.endpoint,
      S3_SSE: 'none',
      AIRBYTE_URL: airbyte.url,
      AIRBYTE_WORKSPACE_ID: airbyte.registry.workspace.workspaceId,
      SLACK_WEBHOOK_DATA_ENGINEERING: slack.webhookUrl('data-engineering'),
      SLACK_WEBHOOK_ALERTS: slack.webhookUrl('alerts'),
      PAGERDUTY_EVENTS_URL: pagerDuty.enqueueUrl,
    };
    // Secrets stay where every client reads them, the process environment, by name (as
    // pair.applyCredentials does for the database passwords); nothing else is written there.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      PAGERDUTY_ROUTING_KEY: randomBytes(16).toString('hex'),
      AIRBYTE_CLIENT_ID: airbyteClient.clientId,
      AIRBYTE_CLIENT_SECRET: airbyteClient.clientSecret,
    });
    if (options.temporal) {
      const temporal = await startTemporalDevServer({ uiHost: options.ui?.host, uiPort: options.ui?.port });
      stops.push(() => temporal.shutdown());
      endpoints.TEMPORAL_ADDRESS = temporal.address;
      options.log(`Temporal dev server at ${temporal.address} (${temporal.version}; HTTP API at ${temporal.httpUrl})`);
      // Alerts link to this UI unless TEMPORAL_UI_URL names another one.
      if (!process.env.TEMPORAL_UI_URL) endpoints.TEMPORAL_UI_URL = temporal.uiUrl;
      return { endpoints, pair, ui: { url: temporal.uiUrl }, shutdown };
    }
    return { endpoints, pair, shutdown };
  } catch (err) {
    await shutdown();
    throw err;
  }
}
