/**
 * Where the operator's side finds Temporal: TEMPORAL_ADDRESS (default
 * localhost:7233), TEMPORAL_NAMESPACE (default 'default'), TEMPORAL_TASK_QUEUE
 * (default 'ingestion'), plus the worker's TLS / API-key settings.
 */
import { Client, Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../worker/temporal-connection';

export interface ClientSettings {
  address: string;
  namespace: string;
  taskQueue: string;
}

const ADDRESS_RE = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

export function readClientSettings(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const address = env.TEMPORAL_ADDRESS?.trim() || 'localhost:7233';
  if (!ADDRESS_RE.test(address)) throw new Error(`TEMPORAL_ADDRESS: expected host:port, got ${JSON.stringify(address)}`);
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || 'ingestion';
  return { address, namespace, taskQueue };
}

export interface OrchestratorClient {
  client: Client;
  settings: ClientSettings;
  close(): Promise<void>;
}

export async function connectClient(settings: ClientSettings = readClientSettings(), env: NodeJS.ProcessEnv = process.env): Promise<OrchestratorClient> {
  const options = temporalConnectionOptions(
    { TEMPORAL_TLS_CERT_PATH: env.TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH: env.TEMPORAL_TLS_KEY_PATH, TEMPORAL_TLS_CA_PATH: env.TEMPORAL_TLS_CA_PATH },
    settings.address,
    env,
  );
  const connection = await Connection.connect(options);
  const client = new Client({ connection, namespace: settings.namespace });
  return { client, settings, close: () => connection.close() };
}
