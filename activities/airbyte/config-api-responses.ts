/**
 * The response bodies of the Airbyte Config API (v1) this project reads, as
 * zod schemas written from the published spec (config.yaml components/schemas):
 * every field the spec requires is required here; fields the server may add
 * are let through (and dropped). The server serializes with NON_NULL, so an
 * unset optional field is absent, never null.
 */
import { z } from 'zod';
import { ConnectionScheduleType, ConnectionStatus, Int64, JobConfigType, JobStatus, NamespaceDefinitionType, Uuid } from './config-api-requests';

export const HealthCheckRead = z.object({ available: z.boolean() });

/** AccessToken: a JWT whose `exp` claim says when it expires (the spec gives no expiry field). */
export const AccessToken = z.object({ access_token: z.string().min(1) });

/**
 * AirbyteStreamAndConfiguration. The spec marks AirbyteStream's `json_schema`
 * required while its property is `jsonSchema` (no server sends `json_schema`):
 * only `name` is required here.
 */
export const AirbyteStreamAndConfiguration = z.object({
  stream: z
    .object({
      name: z.string(),
      namespace: z.string().optional(),
      jsonSchema: z.record(z.string(), z.unknown()).optional(),
      supportedSyncModes: z.array(z.enum(['full_refresh', 'incremental'])).optional(),
      sourceDefinedPrimaryKey: z.array(z.array(z.string())).optional(),
      isResumable: z.boolean().optional(),
    })
    .optional(),
  config: z
    .object({
      syncMode: z.enum(['full_refresh', 'incremental']),
      destinationSyncMode: z.enum(['append', 'overwrite', 'append_dedup', 'overwrite_dedup', 'update', 'soft_delete']),
      primaryKey: z.array(z.array(z.string())).optional(),
      aliasName: z.string().optional(),
      selected: z.boolean().optional(),
    })
    .optional(),
});
export const AirbyteCatalog = z.object({ streams: z.array(AirbyteStreamAndConfiguration) });

/** ConnectionRead: required connectionId, name, sourceId, destinationId, syncCatalog, status, breakingChange. */
export const ConnectionRead = z.object({
  connectionId: Uuid,
  name: z.string(),
  namespaceDefinition: NamespaceDefinitionType.optional(),
  namespaceFormat: z.string().optional(),
  prefix: z.string().optional(),
  sourceId: Uuid,
  destinationId: Uuid,
  operationIds: z.array(Uuid).optional(),
  syncCatalog: AirbyteCatalog,
  scheduleType: ConnectionScheduleType.optional(),
  status: ConnectionStatus,
  statusReason: z.string().optional(),
  breakingChange: z.boolean(),
  workspaceId: Uuid.optional(),
  created_at: Int64.optional(),
});
export type ConnectionRead = z.infer<typeof ConnectionRead>;

export const ConnectionReadList = z.object({ connections: z.array(ConnectionRead) });

/** AttemptStats: every field optional. */
export const AttemptStats = z.object({
  recordsEmitted: Int64.optional(),
  bytesEmitted: Int64.optional(),
  stateMessagesEmitted: Int64.optional(),
  bytesCommitted: Int64.optional(),
  recordsCommitted: Int64.optional(),
  recordsRejected: Int64.optional(),
  estimatedRecords: Int64.optional(),
  estimatedBytes: Int64.optional(),
});
export type AttemptStats = z.infer<typeof AttemptStats>;

export const FailureOrigin = z.enum(['source', 'destination', 'replication', 'persistence', 'airbyte_platform', 'normalization', 'dbt', 'unknown']);
export const FailureType = z.enum([
  'config_error',
  'system_error',
  'manual_cancellation',
  'refresh_schema',
  'heartbeat_timeout',
  'destination_timeout',
  'transient_error',
]);

/** FailureReason: only timestamp required. */
export const FailureReason = z.object({
  failureOrigin: FailureOrigin.optional(),
  failureType: FailureType.optional(),
  externalMessage: z.string().optional(),
  internalMessage: z.string().optional(),
  stacktrace: z.string().optional(),
  retryable: z.boolean().optional(),
  timestamp: Int64,
});
export type FailureReason = z.infer<typeof FailureReason>;

export const AttemptFailureSummary = z.object({ failures: z.array(FailureReason), partialSuccess: z.boolean().optional() });

/**
 * AttemptRead: required id, status, createdAt, updatedAt. recordsSynced and
 * bytesSynced are left over for the old UI and no longer set by the server
 * (JobConverter.getAttemptRead); the totals are totalStats.
 */
export const AttemptRead = z.object({
  id: Int64,
  status: z.enum(['running', 'failed', 'succeeded']),
  createdAt: Int64,
  updatedAt: Int64,
  endedAt: Int64.optional(),
  bytesSynced: Int64.optional(),
  recordsSynced: Int64.optional(),
  totalStats: AttemptStats.optional(),
  streamStats: z.array(z.object({ streamName: z.string(), streamNamespace: z.string().optional(), stats: AttemptStats })).optional(),
  failureSummary: AttemptFailureSummary.optional(),
});
export type AttemptRead = z.infer<typeof AttemptRead>;

export const LogRead = z.object({ logLines: z.array(z.string()) });
export const LogEvent = z.object({ timestamp: Int64, message: z.string(), level: z.string(), logSource: z.string() });
export const LogEvents = z.object({ events: z.array(LogEvent), version: z.string().optional() });

/** AttemptInfoRead: `logs` is LogEvents (structured) or LogRead (formatted), absent without logs. */
export const AttemptInfoRead = z.object({
  attempt: AttemptRead,
  logType: z.enum(['formatted', 'structured']).optional(),
  logs: z.union([LogEvents, LogRead]).optional(),
});

/** JobAggregatedStats: every field required; computed per stream by sync mode (StatsAggregationHelper). */
export const JobAggregatedStats = z.object({
  recordsEmitted: Int64,
  bytesEmitted: Int64,
  recordsCommitted: Int64,
  bytesCommitted: Int64,
  recordsRejected: Int64,
});
export type JobAggregatedStats = z.infer<typeof JobAggregatedStats>;

/** JobRead: required id, configType, configId, createdAt, updatedAt, status. */
export const JobRead = z.object({
  id: Int64,
  configType: JobConfigType,
  configId: z.string(),
  createdAt: Int64,
  updatedAt: Int64,
  startedAt: Int64.optional(),
  status: JobStatus,
  aggregatedStats: JobAggregatedStats.optional(),
  streamAggregatedStats: z.array(z.object({ streamName: z.string() }).loose()).optional(),
});
export type JobRead = z.infer<typeof JobRead>;

export const JobInfoRead = z.object({ job: JobRead, attempts: z.array(AttemptInfoRead) });
export type JobInfoRead = z.infer<typeof JobInfoRead>;

export const JobInfoLightRead = z.object({ job: JobRead });

/** JobWithAttemptsRead: nothing required by the spec. */
export const JobWithAttemptsRead = z.object({ job: JobRead.optional(), attempts: z.array(AttemptRead).optional() });

export const JobReadList = z.object({ jobs: z.array(JobWithAttemptsRead), totalJobCount: Int64 });

/**
 * What an error answer may carry, whatever produced it: KnownExceptionInfo
 * (`message`, `errorId`), the bare `{errorId}` most handlers answer with
 * (the detail stays in the server's log), an RFC 7807 problem (`title`,
 * `detail`), or Micronaut's own error (`message`, `_embedded.errors[].message`).
 */
export const ErrorBody = z.object({
  message: z.string().optional(),
  errorId: z.string().optional(),
  validationErrors: z.array(z.object({ propertyPath: z.string().optional(), message: z.string().optional() })).optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  _embedded: z.object({ errors: z.array(z.object({ message: z.string().optional() })).optional() }).optional(),
});
