/**
 * The Config API endpoints this project calls, each with the schema of its
 * request and of its answer (paths under /api/v1, all POST). The client sends
 * only what the request schema allows and reads answers through the response
 * schema; the simulator validates requests with the same table, and tests
 * check what the client sent and what the simulator answered against it.
 *
 * `workspaces/list` is not here: Airbyte 1.7 removed it (config.yaml has only
 * list_paginated, list_by_organization_id, list_by_user_id). Connections are
 * found by configured id or through connections/list of a configured workspace.
 */
import type { z } from 'zod';
import { ApplicationTokenRequest, ConnectionIdRequestBody, ConnectionUpdate, JobIdRequestBody, JobListRequestBody, WorkspaceIdRequestBody } from './config-api-requests';
import { AccessToken, ConnectionRead, ConnectionReadList, JobInfoLightRead, JobInfoRead, JobReadList } from './config-api-responses';

export const CONFIG_API = {
  'applications/token': { request: ApplicationTokenRequest, response: AccessToken },
  'connections/list': { request: WorkspaceIdRequestBody, response: ConnectionReadList },
  'connections/get': { request: ConnectionIdRequestBody, response: ConnectionRead },
  'connections/update': { request: ConnectionUpdate, response: ConnectionRead },
  'connections/sync': { request: ConnectionIdRequestBody, response: JobInfoRead },
  'jobs/get': { request: JobIdRequestBody, response: JobInfoRead },
  'jobs/get_without_logs': { request: JobIdRequestBody, response: JobInfoRead },
  'jobs/get_light': { request: JobIdRequestBody, response: JobInfoLightRead },
  'jobs/list': { request: JobListRequestBody, response: JobReadList },
  'jobs/cancel': { request: JobIdRequestBody, response: JobInfoRead },
} as const;

export type Endpoint = keyof typeof CONFIG_API;
export type RequestOf<E extends Endpoint> = z.input<(typeof CONFIG_API)[E]['request']>;
export type ResponseOf<E extends Endpoint> = z.output<(typeof CONFIG_API)[E]['response']>;

export function isEndpoint(name: string): name is Endpoint {
  return Object.prototype.hasOwnProperty.call(CONFIG_API, name);
}

/** The one endpoint served by GET and without authentication (security: [] in the spec). */
export const HEALTH_PATH = '/api/v1/health';
