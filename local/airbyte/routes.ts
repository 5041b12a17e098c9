/**
 * The Config API endpoints the simulator serves, each answering as the
 * server's handler does (errors and odd corners included):
 *
 * - connections/sync: 500 `{errorId}` for a connection that is not active
 *   (SchedulerHandler: check(status == ACTIVE) throws IllegalStateException),
 *   409 `{message, errorId}` while a sync runs (ErrorCode.WORKFLOW_RUNNING);
 * - jobs/cancel: cancels the connection's current job, not necessarily the id given;
 * - jobs/get has logs and no aggregatedStats; get_without_logs has
 *   aggregatedStats and no logs; get_light has the job alone; an unknown job
 *   id answers 500 (JobPersistence throws a RuntimeException);
 * - jobs/list: configTypes must not be empty (500), newest first, filtered by
 *   statuses, paginated;
 * - applications/token: anonymous, 400 for wrong credentials.
 */
import type { Endpoint, RequestOf } from '../../activities/airbyte/config-api-endpoints';
import type { SimulatedAuth } from './auth';
import type { ConnectionRegistry } from './connections';
import { idNotFound, invalidClientCredentials, uncaught, valueConflict } from './errors';
import type { JobBoard } from './jobs';

export interface RouteContext {
  registry: ConnectionRegistry;
  jobs: JobBoard;
  auth: SimulatedAuth;
}

const DEFAULT_PAGE_SIZE = 200;

export function route<E extends Endpoint>(ctx: RouteContext, endpoint: E, body: RequestOf<E>): unknown {
  const b = body as Record<string, any>;
  switch (endpoint) {
    case 'applications/token': {
      const token = ctx.auth.issue(b.client_id, b.client_secret);
      if (token === undefined) throw invalidClientCredentials('/api/v1/applications/token');
      return { access_token: token };
    }
    case 'connections/list':
      return { connections: ctx.registry.list(b.workspaceId) };
    case 'connections/get':
      return ctx.registry.get(b.connectionId);
    case 'connections/update':
      return ctx.registry.update(b as { connectionId: string });
    case 'connections/sync':
      return sync(ctx, b.connectionId);
    case 'jobs/get':
      return ctx.jobs.info(b.id, 'logs');
    case 'jobs/get_without_logs':
      return ctx.jobs.info(b.id, 'without_logs');
    case 'jobs/get_light':
      return ctx.jobs.light(b.id);
    case 'jobs/cancel':
      return ctx.jobs.cancel(b.id);
    case 'jobs/list': {
      if (b.configTypes.length === 0) throw uncaught('Must include at least one configType.');
      const all = b.configTypes.includes('sync') ? ctx.jobs.list(b.configId, b.statuses ?? []) : [];
      const offset = b.pagination?.rowOffset ?? 0;
      const size = b.pagination?.pageSize ?? DEFAULT_PAGE_SIZE;
      return { jobs: all.slice(offset, offset + size), totalJobCount: all.length };
    }
    default:
      throw idNotFound('endpoint', endpoint);
  }
}

function sync(ctx: RouteContext, connectionId: string) {
  const connection = ctx.registry.get(connectionId);
  if (connection.status !== 'active') throw uncaught('Can only sync an active connection');
  if (ctx.jobs.runningJobOf(connection.connectionId) !== undefined) {
    throw valueConflict(`A sync is already running for: ${connection.connectionId}`);
  }
  return ctx.jobs.start(connection.connectionId, ctx.registry.identity(connection.connectionId));
}
