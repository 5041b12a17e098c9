/**
 * Airbyte activities: trigger a connection's sync, wait for its job with
 * heartbeats, cancel it, switch connections active/inactive for failover and
 * check the server's health, over the Airbyte OSS Config API.
 *
 * Credentials are read here, on the activity side, from the environment
 * (config/env.ts airbyteCredentials); workflows only ever pass connection
 * names and job ids.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { airbyteCredentials, type AirbyteCredentials } from '../../config/env';
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteActivities, AirbyteConnectionStatus } from '../types';
import { createAirbyteClient, httpStatusOf, type AirbyteClient } from './airbyte-client';
import { createConnectionResolver } from './airbyte-connections';
import { waitForJob } from './airbyte-job-wait';
import { cancelJobSafely, UNFINISHED } from './airbyte-jobs';

export interface AirbyteActivitiesOptions {
  /** Root URL of the Airbyte server, e.g. http://airbyte-server:8001. */
  baseUrl: string;
  /** Connection name → connection id (AIRBYTE_CONNECTION_IDS); other names are looked up in `workspaceId`. */
  connections?: Record<string, string>;
  /** The workspace whose connections/list finds connections by name (AIRBYTE_WORKSPACE_ID). */
  workspaceId?: string;
  /** Where the credentials are read (AIRBYTE_CLIENT_ID/SECRET or AIRBYTE_USERNAME/PASSWORD); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  /** Bound on the health probe; defaults to 5 s. */
  healthTimeoutMs?: number;
  now?: () => number;
}

/** What a connection's status means for a sync: only an active connection may sync (SchedulerHandler checks it and answers 500). */
function notSyncable(connectionName: string, status: AirbyteConnectionStatus, statusReason?: string): string {
  switch (status) {
    case 'inactive':
      return `Airbyte connection ${connectionName} is inactive; activate it before triggering a sync`;
    case 'deprecated':
      return `Airbyte connection ${connectionName} is deprecated (deleted in Airbyte); it can never sync again: configure its replacement`;
    case 'locked':
      return `Airbyte connection ${connectionName} is locked by Airbyte${statusReason ? ` (${statusReason})` : ''}; it cannot sync or be changed until Airbyte unlocks it`;
    default:
      return `Airbyte connection ${connectionName} is ${status}`;
  }
}

/** The activity's logger when running in one (never given a secret). */
function logLine(message: string): void {
  asyncLocalStorage.getStore()?.log.info(message);
}

export function createAirbyteActivities(options: AirbyteActivitiesOptions): AirbyteActivities {
  const credentials: AirbyteCredentials = airbyteCredentials(options.env ?? process.env);
  const client: AirbyteClient = createAirbyteClient({ ...options, credentials, log: logLine });
  const connections = createConnectionResolver(client, options.connections, options.workspaceId);
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;

  /** Runs a call with a connection's id; a 404 of a looked-up id drops the cached ids and tries once more with fresh ones. */
  const withConnection = async <T>(connectionName: string, call: (connectionId: string) => Promise<T>): Promise<T> => {
    const id = await connections.idOf(connectionName);
    try {
      return await call(id);
    } catch (error) {
      if (httpStatusOf(error) !== 404 || connections.isConfigured(connectionName)) throw error;
      connections.forget();
      return call(await connections.idOf(connectionName));
    }
  };

  const readConnection = (connectionId: string) => client.call('connections/get', { connectionId });

  return {
    async triggerAirbyteSync({ connectionName }) {
      return withConnection(connectionName, async (connectionId) => {
        const connection = await readConnection(connectionId);
        if (connection.status !== 'active') {
          throw failure('airbyte_failure', notSyncable(connectionName, connection.status, connection.statusReason), {
            final: true,
            details: [{ connectionName, status: connection.status }],
          });
        }
        try {
          const info = await client.call('connections/sync', { connectionId });
          return { jobId: info.job.id };
        } catch (error) {
          if (httpStatusOf(error) !== 409) throw error;
          // 409: a sync of this connection is already running (e.g. this trigger is a retry whose
          // first answer was lost, or someone started one): adopt that job instead of a second one.
          const { jobs } = await client.call('jobs/list', {
            configTypes: ['sync'],
            configId: connectionId,
            statuses: [...UNFINISHED],
            pagination: { pageSize: 1, rowOffset: 0 },
          });
          const running = jobs[0]?.job;
          if (!running) throw error;
          logLine(`Airbyte connection ${connectionName} already runs job ${running.id} (${running.status}); adopting it`);
          return { jobId: running.id };
        }
      });
    },

    waitForAirbyteJob(input) {
      return waitForJob(client, input);
    },

    async cancelAirbyteJob({ jobId }) {
      if (!Number.isSafeInteger(jobId) || jobId < 0) {
        throw invalidInput(`cancelAirbyteJob: jobId ${JSON.stringify(jobId)} must be a non-negative integer`);
      }
      const outcome = await cancelJobSafely(client, jobId);
      if (!outcome.cancelled) logLine(`Airbyte job ${jobId} not cancelled: ${outcome.reason}`);
    },

    async setConnectionStatus({ connectionName, status }) {
      if (status !== 'active' && status !== 'inactive') {
        throw invalidInput(`setConnectionStatus: status ${JSON.stringify(status)} must be active or inactive`);
      }
      await withConnection(connectionName, async (connectionId) => {
        const current = await readConnection(connectionId);
        if (current.status === status) return;
        if (current.status === 'deprecated' || current.status === 'locked') {
          throw failure('airbyte_failure', `${notSyncable(connectionName, current.status, current.statusReason)}; not set ${status}`, { final: true });
        }
        // connections/update is a patch: only the fields sent change. Sending the whole
        // ConnectionRead back re-validates the catalog, and its legacy `schedule` is refused.
        const updated = await client.call('connections/update', { connectionId, status });
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
