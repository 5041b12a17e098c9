/**
 * Airbyte activities: trigger a connection's sync, wait for its job with
 * heartbeats, cancel it, switch connections active/inactive for failover and
 * check the server's health, over the Airbyte OSS Config API.
 */
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteActivities } from '../types';
import { createAirbyteClient, httpStatusOf, type AirbyteClient } from './airbyte-client';
import { createConnectionResolver } from './airbyte-connections';
import { waitForJob, type JobInfo } from './airbyte-job-wait';

export interface AirbyteActivitiesOptions {
  /** Root URL of the Airbyte server, e.g. http://airbyte-server:8001. */
  baseUrl: string;
  /** Connection name → connection id; names missing here are looked up through connections/list. */
  connections?: Record<string, string>;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  /** Bound on the health probe; defaults to 5 s. */
  healthTimeoutMs?: number;
}

type ConnectionStatus = 'active' | 'inactive' | 'deprecated';
interface ConnectionRead {
  connectionId: string;
  name: string;
  status: ConnectionStatus;
  [field: string]: unknown;
}
interface JobList {
  jobs: { job: { id: number; status: string } }[];
}

const RUNNING = new Set(['pending', 'running', 'incomplete']);

export function createAirbyteActivities(options: AirbyteActivitiesOptions): AirbyteActivities {
  const client: AirbyteClient = createAirbyteClient(options);
  const connections = createConnectionResolver(client, options.connections);
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;

  /** Runs a call with a connection's id; a 404 drops the cached ids and tries once more with fresh ones. */
  const withConnection = async <T>(connectionName: string, call: (connectionId: string) => Promise<T>): Promise<T> => {
    const id = await connections.idOf(connectionName);
    try {
      return await call(id);
    } catch (error) {
      if (httpStatusOf(error) !== 404 || options.connections?.[connectionName]) throw error;
      connections.forget();
      return call(await connections.idOf(connectionName));
    }
  };

  const readConnection = (connectionId: string) => client.post<ConnectionRead>('connections/get', { connectionId });

  const cancelJob = async (jobId: number): Promise<void> => {
    await client.post<JobInfo>('jobs/cancel', { id: jobId });
  };

  return {
    async triggerAirbyteSync({ connectionName }) {
      return withConnection(connectionName, async (connectionId) => {
        try {
          const info = await client.post<JobInfo>('connections/sync', { connectionId });
          return { jobId: info.job.id };
        } catch (error) {
          if (httpStatusOf(error) !== 409) throw error;
          // 409: the connection is not active, or a sync of it is already running
          // (e.g. this trigger is a retry whose first answer was lost): adopt that job.
          const connection = await readConnection(connectionId);
          if (connection.status !== 'active') {
            throw failure('airbyte_failure', `Airbyte connection ${connectionName} is ${connection.status}; activate it before triggering a sync`, { final: true, details: [{ connectionName, status: connection.status }] });
          }
          const { jobs } = await client.post<JobList>('jobs/list', { configTypes: ['sync'], configId: connectionId });
          const running = jobs.find((j) => RUNNING.has(j.job.status));
          if (!running) throw error;
          return { jobId: running.job.id };
        }
      });
    },

    waitForAirbyteJob(input) {
      return waitForJob(client, cancelJob, input);
    },

    async cancelAirbyteJob({ jobId }) {
      if (!Number.isSafeInteger(jobId) || jobId < 0) {
        throw invalidInput(`cancelAirbyteJob: jobId ${JSON.stringify(jobId)} must be a non-negative integer`);
      }
      await cancelJob(jobId);
    },

    async setConnectionStatus({ connectionName, status }) {
      if (status !== 'active' && status !== 'inactive') {
        throw invalidInput(`setConnectionStatus: status ${JSON.stringify(status)} must be active or inactive`);
      }
      await withConnection(connectionName, async (connectionId) => {
        const current = await readConnection(connectionId);
        if (current.status === status) return;
        if (current.status === 'deprecated') {
          throw failure('airbyte_failure', `Airbyte connection ${connectionName} is deprecated and cannot be set ${status}`, { final: true });
        }
        // The API's update methods take the whole object, changed fields and unchanged ones.
        const updated = await client.post<ConnectionRead>('connections/update', { ...current, status });
        if (updated.status !== status) {
          throw failure('airbyte_failure', `Airbyte connection ${connectionName} is still ${updated.status} after asking for ${status}`);
        }
      });
    },

    async getConnectionStatus({ connectionName }) {
      return withConnection(connectionName, async (connectionId) => (await readConnection(connectionId)).status);
    },

    async checkAirbyteHealth() {
      return { available: await client.health(healthTimeoutMs) };
    },
  };
}
