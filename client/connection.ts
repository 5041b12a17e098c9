/**
 * The operator's side connects to Temporal with the settings of the validated
 * configuration (config/temporal.ts: Temporal's own environment variables and
 * profiles, plus TEMPORAL_TASK_QUEUE).
 */
import { Client, Connection } from '@temporalio/client';
import { loadEnvConfig } from '../config/env';
import type { TemporalSettings } from '../config/temporal';

export type ClientSettings = Pick<TemporalSettings, 'address' | 'namespace' | 'taskQueue'> & Partial<Pick<TemporalSettings, 'connection'>>;

export interface OrchestratorClient {
  client: Client;
  settings: ClientSettings;
  close(): Promise<void>;
}

export async function connectClient(settings: ClientSettings = loadEnvConfig().temporal): Promise<OrchestratorClient> {
  const connection = await Connection.connect(settings.connection ?? { address: settings.address });
  const client = new Client({ connection, namespace: settings.namespace });
  return { client, settings, close: () => connection.close() };
}
