/**
 * Resolves Airbyte connection names (connection_mysql_s3_acode, …) to connection
 * ids: from the configured ids (AIRBYTE_CONNECTION_IDS) when given, otherwise
 * through connections/list of the configured workspace (AIRBYTE_WORKSPACE_ID),
 * listed once and cached. workspaces/list, which earlier versions used to find
 * every workspace, is gone since Airbyte 1.7; connections/list does not list
 * deleted (deprecated) connections.
 */
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteClient } from './airbyte-client';

export interface ConnectionResolver {
  idOf(connectionName: string): Promise<string>;
  /** True when the name's id is configured (a 404 then cannot mean the cache is stale). */
  isConfigured(connectionName: string): boolean;
  /** Drop the cached ids, e.g. after a 404 showed a connection was recreated. */
  forget(): void;
}

export function createConnectionResolver(client: AirbyteClient, configured: Record<string, string> = {}, workspaceId?: string): ConnectionResolver {
  let cache: Promise<Map<string, string>> | undefined;

  const load = async (workspace: string): Promise<Map<string, string>> => {
    const { connections } = await client.call('connections/list', { workspaceId: workspace });
    const ids = new Map<string, string>();
    const duplicates = new Set<string>();
    for (const c of connections) {
      if (ids.has(c.name) && ids.get(c.name) !== c.connectionId) duplicates.add(c.name);
      ids.set(c.name, c.connectionId);
    }
    for (const name of duplicates) ids.set(name, '');
    return ids;
  };

  return {
    async idOf(connectionName) {
      if (typeof connectionName !== 'string' || connectionName === '') {
        throw invalidInput(`airbyte: connectionName must be a non-empty string, got ${JSON.stringify(connectionName)}`);
      }
      const fixed = configured[connectionName];
      if (fixed) return fixed;
      if (!workspaceId) {
        throw failure(
          'airbyte_failure',
          `airbyte: no id configured for connection ${connectionName} and no workspace to look it up in; set AIRBYTE_CONNECTION_IDS (${connectionName}=<uuid>) or AIRBYTE_WORKSPACE_ID`,
          { final: true },
        );
      }
      cache ??= load(workspaceId);
      let ids: Map<string, string>;
      try {
        ids = await cache;
      } catch (error) {
        cache = undefined;
        throw error;
      }
      const id = ids.get(connectionName);
      if (id === '') {
        throw failure('airbyte_failure', `airbyte: connection name ${connectionName} is used by several connections in workspace ${workspaceId} at ${client.baseUrl}; configure its id in AIRBYTE_CONNECTION_IDS`, { final: true });
      }
      if (id === undefined) {
        cache = undefined;
        throw failure('airbyte_failure', `airbyte: no connection named ${connectionName} in workspace ${workspaceId} at ${client.baseUrl}`, { final: true });
      }
      return id;
    },
    isConfigured: (connectionName) => Boolean(configured[connectionName]),
    forget() {
      cache = undefined;
    },
  };
}
