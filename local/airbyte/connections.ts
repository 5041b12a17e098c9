/**
 * The simulator's workspace and its connections, configured by name
 * (connection name → system and role), with UUIDs made up at start.
 *
 * As ConnectionsHandler does: connections/list leaves out deleted
 * (deprecated) connections and answers an empty list for an unknown
 * workspace; connections/update is a patch (absent fields unchanged), refuses
 * the legacy `schedule` and scheduleData without scheduleType (500: the
 * handler's require() throws), refuses any change to a locked connection
 * (409 problem), and replaces the whole catalog when syncCatalog is sent,
 * wiping the state of streams it deselects.
 */
import { randomUUID } from 'node:crypto';
import { ACODE_STREAMS, RADAR_CRITICAL_TABLES, type SourceRole, type SystemName } from '../../config/pipelines';
import { CONNECTION_STATUSES } from '../../activities/airbyte/config-api-requests';
import type { AirbyteStreamAndConfiguration, ConnectionRead, ConnectionStatus, WorkspaceRead } from './config-api';
import { connectionLocked, idNotFound, uncaught } from './errors';

export interface SimulatedConnectionConfig {
  system: SystemName;
  role: SourceRole;
  /** Defaults to active. */
  status?: ConnectionStatus;
  /** Why a locked connection is locked. */
  statusReason?: string;
  /** Streams of the sync catalog; defaults to the system's known streams. */
  streams?: string[];
}

export interface ConnectionIdentity {
  name: string;
  system: SystemName;
  role: SourceRole;
}

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
      isResumable: true,
    },
    config: { syncMode: 'full_refresh', destinationSyncMode: 'append', primaryKey: [['idpk']], aliasName: name, selected: true },
  };
}

/** The patch fields ConnectionsHandler.applyPatchToStandardSync copies as they are. */
const PLAIN_PATCH_FIELDS = ['name', 'namespaceDefinition', 'namespaceFormat', 'prefix', 'operationIds', 'breakingChange', 'scheduleType'] as const;

export class ConnectionRegistry {
  readonly workspace: WorkspaceRead;
  private readonly byId = new Map<string, { read: ConnectionRead; identity: ConnectionIdentity }>();
  /** Catalog replacements by connections/update (each re-validates the catalog and may wipe stream state). */
  readonly catalogReplacements: string[] = [];

  constructor(connections: Record<string, SimulatedConnectionConfig>, workspaceId: string = randomUUID()) {
    this.workspace = {
      workspaceId,
      organizationId: '00000000-0000-0000-0000-000000000000',
      customerId: randomUUID(),
      name: 'farmarcas',
      slug: 'farmarcas',
      initialSetupComplete: true,
    };
    for (const [name, config] of Object.entries(connections)) {
      const status = config.status ?? 'active';
      if (!(CONNECTION_STATUSES as readonly string[]).includes(status)) {
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
        ...(config.statusReason ? { statusReason: config.statusReason } : {}),
        breakingChange: false,
        workspaceId,
        created_at: Math.floor(Date.now() / 1000),
      };
      this.byId.set(read.connectionId, { read, identity: { name, system: config.system, role: config.role } });
    }
  }

  /** connections/list: the workspace's connections, deleted (deprecated) ones left out; an unknown workspace has none. */
  list(workspaceId: string): ConnectionRead[] {
    if (workspaceId.toLowerCase() !== this.workspace.workspaceId) return [];
    return [...this.byId.values()].filter((c) => c.read.status !== 'deprecated').map((c) => structuredClone(c.read));
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

  /** Sets a connection's status from outside the API (Airbyte locking a connection, a test's setup). */
  force(connectionId: string, status: ConnectionStatus, statusReason?: string): void {
    const { read } = this.entry(connectionId);
    read.status = status;
    if (statusReason) read.statusReason = statusReason;
    else delete read.statusReason;
  }

  /** connections/update: a patch of a validated ConnectionUpdate body. */
  update(patch: Record<string, unknown> & { connectionId: string }): ConnectionRead {
    const entry = this.entry(patch.connectionId);
    const { read } = entry;
    if (read.status === 'locked') throw connectionLocked(read.connectionId, read.statusReason);
    if (patch.schedule !== undefined && patch.schedule !== null) {
      throw uncaught("ConnectionUpdate should only make changes to the schedule by setting scheduleType and scheduleData. 'schedule' is no longer supported.");
    }
    if (patch.scheduleType === undefined && patch.scheduleData !== undefined && patch.scheduleData !== null) {
      throw uncaught('ConnectionUpdate should not include any scheduleData without also specifying a valid scheduleType.');
    }
    if (patch.scheduleType === 'manual' && patch.scheduleData !== undefined && patch.scheduleData !== null) {
      throw uncaught('ConnectionUpdate should not include any scheduleData when setting the Connection scheduleType to MANUAL.');
    }
    const next = structuredClone(read) as Record<string, unknown>;
    for (const field of PLAIN_PATCH_FIELDS) if (patch[field] !== undefined && patch[field] !== null) next[field] = patch[field];
    if (patch.syncCatalog !== undefined && patch.syncCatalog !== null) {
      const catalog = patch.syncCatalog as { streams?: unknown };
      if (!Array.isArray(catalog.streams)) throw uncaught('syncCatalog.streams must be an array');
      next.syncCatalog = structuredClone(catalog);
      this.catalogReplacements.push(read.connectionId);
    }
    if (patch.status !== undefined && patch.status !== null) next.status = patch.status;
    if (next.status !== 'locked') delete next.statusReason;
    entry.read = next as ConnectionRead;
    entry.identity.name = entry.read.name;
    return structuredClone(entry.read);
  }

  private entry(connectionId: string) {
    const found = this.byId.get(connectionId.toLowerCase());
    if (!found) throw idNotFound('standard_sync', connectionId);
    return found;
  }
}
