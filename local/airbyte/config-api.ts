/**
 * Request and response shapes of the Airbyte OSS Configuration API (v1) that the
 * simulator serves, as the API's OpenAPI spec (airbyte-api config.yaml) names them.
 * Times are epoch seconds, job ids int64, other ids UUIDs.
 */

export type ConnectionStatus = 'active' | 'inactive' | 'deprecated';
export type JobStatus = 'pending' | 'running' | 'incomplete' | 'failed' | 'succeeded' | 'cancelled';
export type AttemptStatus = 'running' | 'failed' | 'succeeded';

export interface WorkspaceRead {
  workspaceId: string;
  customerId: string;
  name: string;
  slug: string;
  initialSetupComplete: boolean;
}

export interface AirbyteStreamAndConfiguration {
  stream: {
    name: string;
    namespace?: string;
    jsonSchema: Record<string, unknown>;
    supportedSyncModes: ('full_refresh' | 'incremental')[];
    sourceDefinedPrimaryKey: string[][];
  };
  config: {
    syncMode: 'full_refresh' | 'incremental';
    destinationSyncMode: 'append' | 'overwrite' | 'append_dedup';
    primaryKey: string[][];
    aliasName: string;
    selected: boolean;
  };
}

export interface ConnectionRead {
  connectionId: string;
  name: string;
  namespaceDefinition: 'source' | 'destination' | 'customformat';
  namespaceFormat?: string;
  prefix: string;
  sourceId: string;
  destinationId: string;
  operationIds: string[];
  syncCatalog: { streams: AirbyteStreamAndConfiguration[] };
  scheduleType: 'manual' | 'basic_schedule' | 'cron';
  status: ConnectionStatus;
}

export interface AttemptFailureReason {
  failureOrigin?: 'source' | 'destination' | 'replication' | 'persistence' | 'normalization' | 'dbt';
  failureType?: 'config_error' | 'system_error' | 'manual_cancellation';
  externalMessage?: string;
  retryable?: boolean;
  timestamp: number;
}

export interface AttemptRead {
  id: number;
  status: AttemptStatus;
  createdAt: number;
  updatedAt: number;
  endedAt?: number;
  bytesSynced: number;
  recordsSynced: number;
  totalStats: { recordsEmitted: number; bytesEmitted: number; recordsCommitted: number };
  failureSummary?: { failures: AttemptFailureReason[]; partialSuccess: boolean };
}

export interface JobRead {
  id: number;
  configType: 'sync';
  configId: string;
  createdAt: number;
  updatedAt: number;
  status: JobStatus;
}

export interface JobInfoRead {
  job: JobRead;
  attempts: { attempt: AttemptRead; logs: { logLines: string[] } }[];
}

export interface JobWithAttemptsRead {
  job: JobRead;
  attempts: AttemptRead[];
}

/** KnownExceptionInfo / NotFoundKnownExceptionInfo / InvalidInputExceptionInfo. */
export interface ExceptionInfo {
  message: string;
  exceptionClassName?: string;
  exceptionStack?: string[];
  id?: string;
  validationErrors?: { propertyPath: string; invalidValue?: string; message: string }[];
}
