/**
 * The whole stack for an end-to-end test file, in one call: MariaDB primary +
 * replica with sample data, a local S3, the Airbyte simulator running the
 * direct engine, Slack and PagerDuty receivers, Temporal's test server with
 * time skipping (or its dev server, or TEMPORAL_ADDRESS), and a Worker running workflows/index.ts
 * with createActivities(...) pointed at all of them.
 *
 *   import { startStack, type Stack } from '../helpers/stack-env';
 *   let stack: Stack;
 *   beforeAll(async () => { stack = await startStack({ fiscalRows: 3000 }); });
 *   afterAll(() => stack?.teardown());
 *
 * startStack(options?) → Stack
 *   options: fiscalRows (default 3000), radar (default true, the loader's defaults),
 *     extract (direct-engine settings: maxRowsPerFile, batchRows, writer…),
 *     s3Faults (default false: the worker's activities reach S3 through the fault proxy),
 *     airbyteRadarTables (the tables the simulator's Radar connection syncs; default every Radar table),
 *     referenceTime (MAX(Data_Processamento) of the sample; default now), partitionProxy (the activities
 *     reach the ACODE primary through a PartitionProxy, stack.partitionProxy, that can swallow packets),
 *     temporalServer ('time-skipping', the default, or 'dev': Temporal's dev server, for Schedules, visibility
 *     and real time), freshTemporalPerTest (default true: each test gets a Temporal server of its own).
 * Stack:
 *   pair, sources, endpoints, acode, radar   the MariaDB pair and what was loaded
 *                                            (see mariadb-env.ts; pair.stopPrimary()/startPrimary()…)
 *   s3, buckets, s3Endpoint                  an S3Client on the local server, the BUCKETS names
 *   s3Proxy                                  with s3Faults: the S3FaultProxy in front of the activities'
 *                                            S3 client (failNext, failFraction, clear, log, count)
 *   airbyte                                  the AirbyteSimulator (registry, jobs, failNextJob…), asking for
 *                                            client credentials (airbyteCredentials: the id and secret)
 *   setAirbyteDate(d)                        the cog_dt_ingestion date the simulator's jobs write
 *   setAirbyteDestination(v)                 the destination-s3 version the simulator's jobs imitate (default 0.3)
 *                                            (default: today on the service clock)
 *   slack, pagerDuty                         the receivers (received(), waitFor(predicate, ms))
 *   client, taskQueue, address, testEnv      the SDK's time-skipping client, the worker's queue, the
 *                                            test environment (sleep(), currentTimeMs()); each test of
 *                                            the file gets its own (see liveStacks below)
 *   skippedMs()                              how far the service clock is ahead of real time
 *   activities                               the same real activities the worker runs (for setup)
 *   calls                                    every activity call the worker made: { name, input }
 *   hold(name, match?)                       holds the next matching call of an activity before it
 *                                            runs: { reached: Promise<input>, release() }. While held
 *                                            the activity is in flight, so the clock does not skip.
 *   pinClock()                               stops time skipping until released (LockTimeSkipping, as
 *                                            Temporal's test server takes it), also while a client
 *                                            awaits a result. Returns { release() }.
 *   skipTimeUntil(promise)                   lets time skip while the promise is pending (for waits on
 *                                            something other than a result: an activity call, an alert)
 *   start(workflowType, input, workflowId?, taskQueue?)
 *                                            starts a workflow (default: on the worker's queue), returns the handle
 *   workerEnv()                              environment variables for a worker in another process
 *                                            (config/env.ts names plus the sample passwords)
 *   today()                                  YYYY-MM-DD on the service clock (a promise)
 *   teardown()                               stops everything, removes temp files
 *
 * SHORT_TIMINGS: the timings where a real clock matters (Airbyte polling inside an
 * activity), at the shortest poll workflows/timings.ts accepts (1 s); the seed's
 * 5/10/20-min waits and 2-h bounds keep their defaults and are skipped by the
 * time-skipping clock — while a client awaits a result, as on Temporal's test server:
 * a test that waits for something else (an alert, a query) awaits the run's result
 * beside it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities/types';
import type { ExtractDeps } from '../../activities/engine/extract';
import { closeWorkerDuckDBs } from '../../activities/engine/worker-duckdb';
import { ACODE_STREAMS, BUCKETS, type BucketRole, type SystemName } from '../../config/pipelines';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import { directEngineRunSync } from '../../local/airbyte/direct-engine-sync';
import { airbyteS3Sync, type AirbyteDestination } from '../../local/airbyte/airbyte-s3-writer';
import { startAirbyteSimulator, type AirbyteSimulator } from '../../local/airbyte/simulator';
import { startPagerDutyReceiver, type PagerDutyReceiver } from '../../local/alerts/pagerduty-receiver';
import { startSlackReceiver, type SlackReceiver } from '../../local/alerts/slack-receiver';
import type { S3FaultProxy } from '../../local/s3/faults';
import { startPartitionProxy, type PartitionProxy } from '../../local/net/partition-proxy';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import { LOCAL_S3_CREDENTIALS } from '../../engines/s3-server';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../worker/activities';
import { observed, placeHold, type PendingHold } from './activity-holds';
import { startMariaDbEnv, type MariaDbEnv } from './mariadb-env';
import { startS3Env, type S3Env } from './s3-env';
import { createTemporalEnv, pinClock, skippedMs, skipTimeUntil, type TemporalEnv, type TestServer } from './temporal-env';

export const SHORT_TIMINGS = {
  acodeSyncPollMs: 1000,
  backupSyncPollMs: 1000,
  radarJobPollMs: 1000,
} as const;


export interface StackOptions {
  fiscalRows?: number;
  radar?: boolean;
  extract?: ExtractDeps['options'];
  /** The activities' S3 client goes through the fault proxy (stack.s3Proxy); stack.s3 stays direct. */
  s3Faults?: boolean;
  /** The tables the simulator's Radar connection syncs (default: every Radar table). */
  airbyteRadarTables?: string[];
  referenceTime?: Date;
  partitionProxy?: boolean;
  /** Temporal's server for the stack (default time-skipping; `dev` for Schedules, visibility and real time). */
  temporalServer?: TestServer;
  /** A fresh Temporal server for each test (default true; false where tests of a file build on each other's runs). */
  freshTemporalPerTest?: boolean;
}

export interface ActivityCall {
  name: string;
  input: unknown;
  /** When the attempt ran, in service-clock milliseconds. */
  calledAt: number;
  /** The run that called it. */
  workflowId: string;
}

export interface ActivityHold {
  reached: Promise<unknown>;
  release(): void;
}

export interface Stack {
  pair: MariaDbEnv['pair'];
  sources: MariaDbEnv['sources'];
  endpoints: MariaDbEnv['endpoints'];
  acode: MariaDbEnv['acode'];
  radar: MariaDbEnv['radar'];
  s3: S3Client;
  buckets: Record<BucketRole, string>;
  s3Endpoint: string;
  s3Proxy?: S3FaultProxy;
  partitionProxy?: PartitionProxy;
  airbyte: AirbyteSimulator;
  /** The application credentials the simulator asks for and the activities present. */
  airbyteCredentials: { clientId: string; clientSecret: string };
  setAirbyteDate(date: string | undefined): void;
  setAirbyteDestination(destination: AirbyteDestination): void;
  slack: SlackReceiver;
  pagerDuty: PagerDutyReceiver;
  client: Client;
  taskQueue: string;
  address: string;
  testEnv: TestWorkflowEnvironment;
  skippedMs(): Promise<number>;
  activities: Activities;
  calls: ActivityCall[];
  hold(name: keyof Activities, match?: (input: any) => boolean): ActivityHold;
  pinClock(): Promise<{ release(): Promise<void> }>;
  skipTimeUntil<T>(wait: Promise<T>): Promise<T>;
  start(workflowType: string, input: unknown, workflowId?: string, taskQueue?: string): Promise<WorkflowHandle>;
  workerEnv(): Record<string, string>;
  today(): Promise<string>;
  teardown(): Promise<void>;
}

const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

/**
 * Each test of a file gets a Temporal server of its own (the rest of the stack is shared):
 * Temporal's test server keeps time skipping locked for good when a child run started with
 * ABANDON completes after its parent closed (the recovery a failed daily sync hands over to),
 * or when a run is terminated with an activity in flight, so a test after such a one would
 * wait in real time. The environment a test used is replaced before the next one starts.
 */
interface LiveStack {
  used: boolean;
  renew(): Promise<void>;
}
const liveStacks = new Set<LiveStack>();
if (typeof beforeEach === 'function') {
  beforeEach(async () => {
    for (const live of liveStacks) if (live.used) await live.renew();
  });
  afterEach(() => {
    for (const live of liveStacks) live.used = true;
  });
}

function streamsOf(system: SystemName): string[] {
  return system === 'acode' ? ACODE_STREAMS.map((s) => s.name) : RADAR_TABLE_NAMES;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stops: (() => Promise<unknown>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const [db, s3env, slack, pagerDuty] = await Promise.all([
      startMariaDbEnv({ fiscalRows: options.fiscalRows ?? 3000, radar: options.radar ?? true, referenceTime: options.referenceTime }),
      startS3Env({ faults: options.s3Faults ?? false }),
      startSlackReceiver(),
      startPagerDutyReceiver(),
    ]);
    stops.push(() => db.close(), () => s3env.shutdown(), () => slack.close(), () => pagerDuty.close());
    const s3: S3Env['s3'] = s3env.s3;
    const buckets = { ...BUCKETS };
    const routingKey = randomBytes(16).toString('hex');

    // The stack's Temporal environment, made once the activities it runs exist (renewed per test, see liveStacks).
    let temporal: TemporalEnv | undefined;
    const current = (): TemporalEnv => {
      if (!temporal) throw new Error('the stack has no Temporal environment yet');
      return temporal;
    };
    let dateOverride: string | undefined;
    let destination: AirbyteDestination = 'destination-s3-0.3';
    const today = async () => new Date(temporal ? await temporal.testEnv.currentTimeMs() : Date.now()).toISOString().slice(0, 10);
    // Airbyte 1.x authentication: the simulator asks for an application's client credentials,
    // which the activities read from their environment (AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET).
    const airbyteClient = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
    const airbyteEnv = { AIRBYTE_CLIENT_ID: airbyteClient.clientId, AIRBYTE_CLIENT_SECRET: airbyteClient.clientSecret };
    const airbyte = await startAirbyteSimulator({
      auth: { mode: 'client_credentials', ...airbyteClient },
      runSync: directEngineRunSync({
        syncStream: (input, signal) => airbyteS3Sync({ sources: db.sources, s3, buckets, destination: () => destination }, input, signal),
        streams: (connection) => (connection.system === 'radar' && options.airbyteRadarTables ? options.airbyteRadarTables : streamsOf(connection.system)),
        date: async () => dateOverride ?? today(),
      }),
    });
    stops.push(() => airbyte.close());

    const partitionProxy = options.partitionProxy ? await startPartitionProxy(db.pair.endpoints.acode.primary) : undefined;
    const activitySources = partitionProxy
      ? createMysqlSources({ ...db.pair.endpoints, acode: { ...db.pair.endpoints.acode, primary: { ...db.pair.endpoints.acode.primary, port: partitionProxy.port } } })
      : db.sources;
    if (partitionProxy) stops.push(() => partitionProxy.close(), () => activitySources.close());
    const slackWebhooks = { dataEngineering: slack.webhookUrl('data-engineering'), alerts: slack.webhookUrl('alerts') };
    const activities = createActivities({
      sources: activitySources,
      s3: s3env.faultyS3 ?? s3,
      buckets,
      airbyte: { baseUrl: airbyte.url, workspaceId: airbyte.registry.workspace.workspaceId, env: airbyteEnv },
      alerts: {
        slackWebhooks,
        pagerDuty: { url: pagerDuty.enqueueUrl, routingKeyEnv: 'PAGERDUTY_ROUTING_KEY' },
        temporalUiUrl: 'http://localhost:8233',
        env: { PAGERDUTY_ROUTING_KEY: routingKey },
      },
      extract: options.extract,
    });
    stops.push(() => closeWorkerDuckDBs()); // after the worker below has stopped
    const calls: ActivityCall[] = [];
    const holds: PendingHold[] = [];
    const createTemporal = () => createTemporalEnv({ workflowsPath: WORKFLOWS_PATH, server: options.temporalServer, activities: observed(activities, calls, holds, () => current().testEnv.currentTimeMs()) });
    temporal = await createTemporal();
    stops.push(() => current().teardown());
    const live: LiveStack = {
      used: false,
      async renew() {
        await current().teardown();
        temporal = await createTemporal();
        live.used = false;
      },
    };
    if (options.freshTemporalPerTest ?? true) liveStacks.add(live);
    stops.push(async () => liveStacks.delete(live));

    const hold: Stack['hold'] = (name, match) => placeHold(holds, name, match);

    return {
      pair: db.pair,
      sources: db.sources,
      endpoints: db.endpoints,
      acode: db.acode,
      radar: db.radar,
      s3,
      buckets,
      s3Endpoint: s3env.endpoint,
      s3Proxy: s3env.proxy,
      partitionProxy,
      airbyte,
      airbyteCredentials: airbyteClient,
      setAirbyteDestination(version) {
        destination = version;
      },
      setAirbyteDate(date) {
        dateOverride = date;
      },
      slack,
      pagerDuty,
      get client() {
        return current().client;
      },
      get taskQueue() {
        return current().taskQueue;
      },
      get address() {
        return current().address;
      },
      get testEnv() {
        return current().testEnv;
      },
      skippedMs: () => skippedMs(current().testEnv),
      activities,
      calls,
      hold,
      pinClock: () => pinClock(current().testEnv),
      skipTimeUntil: (wait) => skipTimeUntil(current().testEnv, wait),
      start: (workflowType, input, workflowId, taskQueue) => current().start(workflowType, { args: [input], workflowId, taskQueue }),
      workerEnv: () => {
        const ep = db.pair.endpoints;
        return {
        ...db.pair.credentialsEnv(),
        TEMPORAL_ADDRESS: current().address,
        TEMPORAL_TASK_QUEUE: current().taskQueue,
        ACODE_HOST: ep.acode.primary.host,
        ACODE_PORT: String(ep.acode.primary.port),
        ACODE_BACKUP_HOST: ep.acode.backup.host,
        ACODE_BACKUP_PORT: String(ep.acode.backup.port),
        ACODE_USER: ep.acode.primary.user,
        ACODE_BACKUP_USER: ep.acode.backup.user,
        RADAR_HOST: ep.radar.primary.host,
        RADAR_PORT: String(ep.radar.primary.port),
        RADAR_USER: ep.radar.primary.user,
        MYSQL_SSL_MODE: 'disabled',
        S3_ENDPOINT: s3env.endpoint,
        S3_SSE: 'none',
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        AIRBYTE_URL: airbyte.url,
        AIRBYTE_WORKSPACE_ID: airbyte.registry.workspace.workspaceId,
        ...airbyteEnv,
        SLACK_WEBHOOK_DATA_ENGINEERING: slackWebhooks.dataEngineering,
        SLACK_WEBHOOK_ALERTS: slackWebhooks.alerts,
        PAGERDUTY_EVENTS_URL: pagerDuty.enqueueUrl,
        PAGERDUTY_ROUTING_KEY: routingKey,
        };
      },
      today,
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}
