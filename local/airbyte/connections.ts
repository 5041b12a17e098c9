/**
 * The simulator's workspace and its connections, configured by name
 * (connection name → system and role), with UUIDs made up at start.
 */
import { randomUUID } from 'node:crypto';
import { ACODE_STREAMS, RADAR_CRITICAL_TABLES, type SourceRole, type SystemName } from '../../config/pipelines';
import type { AirbyteStreamAndConfiguration, ConnectionRead, ConnectionStatus, WorkspaceRead } from './config-api';
import { idNotFound, invalidInput } from './errors';

export interface SimulatedConnectionConfig {
  system: SystemName;
  role: SourceRole;
  /** Defaults to active. */
  status?: ConnectionStatus;
  /** Streams of the sync catalog; defaults to the system's known streams. */
  streams?: string[];
}

export interface ConnectionIdentity {
  name: string;
  system: SystemName;
  role: SourceRole;
}

const CONNECTION_STATUSES: ConnectionStatus[] = ['active', 'inactive', 'deprecated'];

function defaultStreams(system: SystemName): string[] {
  return system === 'acode' ? ACODE_STREAMS.map((s) => s.name) : [...RADAR_CRITICAL_TABLES];
}

function catalogStream(name: string, namespace: string): AirbyteStreamAndConfiguration {
  return {
    stream: {
      name,
      namespace,
      jsonSchema: { type: 'object', properties: {} },
      supportedSyncModes: ['full_refresh', 'incremental'],
      sourceDefinedPrimaryKey: [['idpk']],
    },
    config: {
      syncMode: 'full_refresh',
      destinationSyncMode: 'append',
      primaryKey: [['idpk']],
      aliasName: name,
      selected: true,
    },
  };
}

export class ConnectionRegistry {
  readonly workspace: WorkspaceRead;
  private readonly byId = new Map<string, { read: ConnectionRead; identity: ConnectionIdentity }>();

  constructor(connections: Record<string, SimulatedConnectionConfig>) {
    const workspaceId = randomUUID();
    this.workspace = { workspaceId, customerId: randomUUID(), name: 'farmarcas', slug: 'farmarcas', initialSetupComplete: true };
    for (const [name, config] of Object.entries(connections)) {
      const status = config.status ?? 'active';
      if (!CONNECTION_STATUSES.includes(status)) {
        throw new Error(`airbyte simulator: connection ${name}: invalid status ${JSON.stringify(status)}`);
      }
      const namespace = config.system === 'acode' ? 'acode_farmarcas' : 'radar';
      const read: ConnectionRead = {
        connectionId: randomUUID(),
        name,
        namespaceDefinition: 'source',
        prefix: '',
        sourceId: randomUUID(),
        destinationId: randomUUID(),
        operationIds: [],
        syncCatalog: { streams: (config.streams ?? defaultStreams(config.system)).map((s) => catalogStream(s, namespace)) },
        scheduleType: 'manual',
        status,
      };
      this.byId.set(read.connectionId, { read, identity: { name, system: config.system, role: config.role } });
    }
  }

  list(workspaceId: string): ConnectionRead[] {
    if (workspaceId !== this.workspace.workspaceId) throw idNotFound('workspace', workspaceId);
    return [...this.byId.values()].map((c) => structuredClone(c.read));
  }

  get(connectionId: string): ConnectionRead {
    return structuredClone(this.entry(connectionId).read);
  }

  identity(connectionId: string): ConnectionIdentity {
    return { ...this.entry(connectionId).identity };
  }

  idOf(name: string): string {
    for (const [id, c] of this.byId) if (c.read.name === name) return id;
    throw new Error(`airbyte simulator: no connection named ${name}`);
  }

  /** connections/update: the status (and name) may change; deprecated is final, as in Airbyte. */
  update(connectionId: string, body: Record<string, unknown>): ConnectionRead {
    const entry = this.entry(connectionId);
    const status = body.status;
    if (status !== undefined) {
      if (typeof status !== 'string' || !CONNECTION_STATUSES.includes(status as ConnectionStatus)) {
        throw invalidInput('connectionUpdate.status', 'must be one of active, inactive, deprecated', status);
      }
      if (entry.read.status === 'deprecated' && status !== 'deprecated') {
        throw invalidInput('connectionUpdate.status', 'a deprecated connection cannot be re-activated', status);
      }
      entry.read.status = status as ConnectionStatus;
    }
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name === '') throw invalidInput('connectionUpdate.name', 'must be a non-empty string', body.name);
      entry.read.name = body.name;
      entry.identity.name = body.name;
    }
    return structuredClone(entry.read);
  }

  private entry(connectionId: string) {
    const found = this.byId.get(connectionId);
    if (!found) throw idNotFound('standard_sync', connectionId);
    return found;
  }
}
