/**
 * The request bodies of the Airbyte Config API (v1) this project sends, as zod
 * schemas written from the published spec (airbyte-platform,
 * airbyte-api/server-api/src/main/openapi/config.yaml, components/schemas).
 * Strict: a field the spec does not define for a request is refused, so the
 * client cannot send one, and the simulator refuses one as the server does
 * with strict JSON deserialization on.
 */
import { z } from 'zod';

/** Ids are UUIDs (format: uuid); job ids and times are int64. */
export const Uuid = z.guid();
export const Int64 = z.number().int();

export const CONNECTION_STATUSES = ['active', 'inactive', 'deprecated', 'locked'] as const;
export const ConnectionStatus = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const JOB_STATUSES = ['pending', 'queued', 'running', 'incomplete', 'failed', 'succeeded', 'cancelled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const JOB_CONFIG_TYPES = [
  'check_connection_source',
  'check_connection_destination',
  'discover_schema',
  'get_spec',
  'sync',
  'reset_connection',
  'refresh',
  'clear',
] as const;
export const JobConfigType = z.enum(JOB_CONFIG_TYPES);
export type JobConfigType = z.infer<typeof JobConfigType>;

export const NamespaceDefinitionType = z.enum(['source', 'destination', 'customformat']);
export const ConnectionScheduleType = z.enum(['manual', 'basic', 'cron']);

/** ConnectionIdRequestBody: connections/get, connections/sync. */
export const ConnectionIdRequestBody = z.strictObject({ connectionId: Uuid });

/** WorkspaceIdRequestBody: connections/list. */
export const WorkspaceIdRequestBody = z.strictObject({ workspaceId: Uuid, includeTombstone: z.boolean().optional() });

/** JobIdRequestBody: jobs/get, jobs/get_without_logs, jobs/get_light, jobs/cancel. */
export const JobIdRequestBody = z.strictObject({ id: Int64 });

export const Pagination = z.strictObject({ pageSize: z.number().int().optional(), rowOffset: z.number().int().optional() });

/** JobListRequestBody: jobs/list (configTypes required, newest first). */
export const JobListRequestBody = z.strictObject({
  configTypes: z.array(JobConfigType),
  configId: z.string().optional(),
  includingJobId: Int64.optional(),
  pagination: Pagination.optional(),
  statuses: z.array(JobStatus).optional(),
  createdAtStart: z.string().optional(),
  createdAtEnd: z.string().optional(),
  updatedAtStart: z.string().optional(),
  updatedAtEnd: z.string().optional(),
  orderByField: z.enum(['createdAt', 'updatedAt']).optional(),
  orderByMethod: z.enum(['ASC', 'DESC']).optional(),
});

/**
 * ConnectionUpdate: a patch, only connectionId required; absent fields stay as
 * they are. The spec still lists the legacy `schedule`, which the server
 * refuses (ConnectionsHandler.validateConnectionPatch); the client sends
 * `{connectionId, status}` and nothing else.
 */
export const ConnectionUpdate = z.strictObject({
  connectionId: Uuid,
  namespaceDefinition: NamespaceDefinitionType.optional(),
  namespaceFormat: z.string().optional(),
  name: z.string().optional(),
  prefix: z.string().optional(),
  operationIds: z.array(Uuid).nullable().optional(),
  syncCatalog: z.unknown().optional(),
  schedule: z.unknown().optional(),
  scheduleType: ConnectionScheduleType.optional(),
  scheduleData: z.unknown().optional(),
  status: ConnectionStatus.optional(),
  resourceRequirements: z.unknown().optional(),
  sourceCatalogId: Uuid.optional(),
  destinationCatalogId: Uuid.optional(),
  dataplaneGroupId: Uuid.optional(),
  notifySchemaChanges: z.boolean().optional(),
  notifySchemaChangesByEmail: z.boolean().optional(),
  nonBreakingChangesPreference: z.string().optional(),
  backfillPreference: z.string().optional(),
  breakingChange: z.boolean().optional(),
  tags: z.array(z.unknown()).nullable().optional(),
  onDemandEnabled: z.boolean().optional(),
});

/** ApplicationTokenRequest: applications/token (snake_case, as the spec names them). */
export const ApplicationTokenRequest = z.strictObject({ client_id: z.string(), client_secret: z.string() });
