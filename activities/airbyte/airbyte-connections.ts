/**
 * Resolves Airbyte connection names (connection_mysql_s3_acode, …) to connection
 * ids: from a configured map when given, otherwise by listing every workspace's
 * connections once and caching the answer.
 */
import { failure, invalidInput } from '../../config/failures';
import type { AirbyteClient } from './airbyte-client';

interface WorkspaceList {
  workspaces: { workspaceId: string }[];
}
interface ConnectionList {
  connections: { connectionId: string; name: string }[];
}

export interface ConnectionResolver {
  idOf(connectionName: string): Promise<string>;
  /** Drop the cached ids, e.g. after a 404 showed a connection was recreated. */
  forget(): void;
}

export function createConnectionResolver(client: AirbyteClient, configured: Record<string, string> = {}): ConnectionResolver {
  let cache: Promise<Map<string, string>> | undefined;

  const load = async (): Promise<Map<string, string>> => {
    const { workspaces } = await client.post<WorkspaceList>('workspaces/list', {});
    const ids = new Map<string, string>();
    const duplicates = new Set<string>();
    for (const { workspaceId } of workspaces) {
      const { connections } = await client.post<ConnectionList>('connections/list', { workspaceId });
      for (const c of connections) {
        if (ids.has(c.name) && ids.get(c.name) !== c.connectionId) duplicates.add(c.name);
        ids.set(c.name, c.connectionId);
      }
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
      cache ??= load();
      let ids: Map<string, string>;
      try {
        ids = await cache;
      } catch (error) {
        cache = undefined;
        throw error;
      }
      const id = ids.get(connectionName);
      if (id === '') {
        throw failure('airbyte_failure', `airbyte: connection name ${connectionName} is used by several connections at ${client.baseUrl}; configure its id`, { final: true });
      }
      if (id === undefined) {
        cache = undefined;
        throw failure('airbyte_failure', `airbyte: no connection named ${connectionName} at ${client.baseUrl}`, { final: true });
      }
      return id;
    },
    forget() {
      cache = undefined;
    },
  };
}
