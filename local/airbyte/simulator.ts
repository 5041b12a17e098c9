/**
 * A local Airbyte server speaking the Config API subset the activities use:
 * health, workspaces/list, connections/list|get|update|sync, jobs/get|list|cancel.
 * Sync jobs run an injected sync function (in the main job, the direct engine).
 * Faults: the next job fails or hangs, or the whole API is down (503 or reset).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AIRBYTE_CONNECTIONS, type SourceRole, type SystemName } from '../../config/pipelines';
import type { JobInfoRead, JobStatus } from './config-api';
import { ConnectionRegistry, type SimulatedConnectionConfig } from './connections';
import { AirbyteApiError, invalidInput, invalidJson, unknownEndpoint, valueConflict } from './errors';
import { JobBoard, type RunSync } from './jobs';
import { BodyTooLargeError, listen, readRequestBody } from '../../http/http-server';

export type { RunSync, SyncStats } from './jobs';
export type { SimulatedConnectionConfig, ConnectionIdentity } from './connections';

/** unavailable: every endpoint answers 503; reset: every connection is dropped before an answer. */
export type ApiOutage = 'unavailable' | 'reset';

export interface AirbyteSimulatorOptions {
  runSync: RunSync;
  /** Defaults to config/pipelines AIRBYTE_CONNECTIONS, backups inactive. */
  connections?: Record<string, SimulatedConnectionConfig>;
  port?: number;
  host?: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY_BYTES = 1 << 20;

export function defaultSimulatedConnections(): Record<string, SimulatedConnectionConfig> {
  const out: Record<string, SimulatedConnectionConfig> = {};
  for (const [system, roles] of Object.entries(AIRBYTE_CONNECTIONS) as [SystemName, Partial<Record<SourceRole, string>>][]) {
    for (const [role, name] of Object.entries(roles) as [SourceRole, string][]) {
      out[name] = { system, role, status: role === 'backup' ? 'inactive' : 'active' };
    }
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY_BYTES).catch((err: unknown) => {
    throw err instanceof BodyTooLargeError ? invalidJson('request body larger than 1 MiB') : err;
  });
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidJson((error as Error).message);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidJson('expected a JSON object');
  return parsed as Record<string, unknown>;
}

function uuidField(body: Record<string, unknown>, field: string, path: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw invalidInput(path, 'must not be null');
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw invalidInput(path, 'must be a UUID', value);
  return value;
}

function jobIdField(body: Record<string, unknown>, path: string): number {
  const value = body.id;
  if (value === undefined || value === null) throw invalidInput(path, 'must not be null');
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidInput(path, 'must be an int64', value);
  return value;
}

export class AirbyteSimulator {
  readonly registry: ConnectionRegistry;
  readonly jobs: JobBoard;
  private outage: ApiOutage | undefined;
  private server: Server | undefined;
  url = '';

  constructor(options: AirbyteSimulatorOptions) {
    this.registry = new ConnectionRegistry(options.connections ?? defaultSimulatedConnections());
    this.jobs = new JobBoard(options.runSync);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = `http://${host}:${await listen(server, port, host)}`;
    return this.url;
  }

  failNextJob(message = 'Source MySQL: Communications link failure'): void {
    this.jobs.injectFault({ kind: 'fail', message });
  }

  hangNextJob(): void {
    this.jobs.injectFault({ kind: 'hang' });
  }

  setApiDown(outage: ApiOutage | false): void {
    this.outage = outage || undefined;
  }

  connectionId(name: string): string {
    return this.registry.idOf(name);
  }

  /** Resolves with the job once its status is one of `statuses`; rejects after timeoutMs. */
  waitForJobStatus(jobId: number, statuses: JobStatus[], timeoutMs = 10_000): Promise<JobInfoRead> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const info = this.jobs.info(jobId);
        if (!statuses.includes(info.job.status)) return false;
        cleanup();
        resolve(info);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`airbyte simulator: job ${jobId} not ${statuses.join('|')} within ${timeoutMs} ms (is ${this.jobs.info(jobId).job.status})`));
      }, timeoutMs);
      const unsubscribe = this.jobs.onChange(check);
      const cleanup = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      check();
    });
  }

  async close(): Promise<void> {
    this.jobs.cancelAll();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.jobs.settled();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/_sim/faults' && req.method === 'POST') {
        return this.send(res, 200, this.applyFaults(parseBody(await readBody(req))));
      }
      if (this.outage === 'reset') {
        req.socket.destroy();
        return;
      }
      if (this.outage === 'unavailable') return this.send(res, 503, { message: 'Airbyte server is unavailable' });
      if (path === '/api/v1/health' && req.method === 'GET') return this.send(res, 200, { available: true });
      if (req.method !== 'POST') throw unknownEndpoint(req.method ?? '?', path);
      const body = parseBody(await readBody(req));
      this.send(res, 200, this.route(path, body));
    } catch (error) {
      if (error instanceof AirbyteApiError) return this.send(res, error.httpStatus, error.body);
      this.send(res, 500, {
        message: (error as Error).message,
        exceptionClassName: 'java.lang.RuntimeException',
        exceptionStack: [],
      });
    }
  }

  private route(path: string, body: Record<string, unknown>): unknown {
    switch (path) {
      case '/api/v1/workspaces/list':
        return { workspaces: [this.registry.workspace] };
      case '/api/v1/connections/list':
        return { connections: this.registry.list(uuidField(body, 'workspaceId', 'listConnectionsForWorkspace.workspaceId')) };
      case '/api/v1/connections/get':
        return this.registry.get(uuidField(body, 'connectionId', 'getConnection.connectionId'));
      case '/api/v1/connections/update':
        return this.registry.update(uuidField(body, 'connectionId', 'updateConnection.connectionId'), body);
      case '/api/v1/connections/sync':
        return this.sync(uuidField(body, 'connectionId', 'syncConnection.connectionId'));
      case '/api/v1/jobs/get':
        return this.jobs.info(jobIdField(body, 'getJobInfo.id'));
      case '/api/v1/jobs/cancel':
        return this.jobs.cancel(jobIdField(body, 'cancelJob.id'));
      case '/api/v1/jobs/list': {
        const configId = uuidField(body, 'configId', 'listJobsFor.configId');
        this.registry.get(configId);
        const jobs = this.jobs.list(configId);
        return { jobs, totalJobCount: jobs.length };
      }
      default:
        throw unknownEndpoint('POST', path);
    }
  }

  private sync(connectionId: string): JobInfoRead {
    const connection = this.registry.get(connectionId);
    if (connection.status !== 'active') {
      throw valueConflict(`Connection ${connectionId} is ${connection.status}; only an active connection can sync.`);
    }
    if (this.jobs.runningJobOf(connectionId) !== undefined) {
      throw valueConflict(`A sync is already running for: ${connectionId}`);
    }
    return this.jobs.start(connectionId, this.registry.identity(connectionId));
  }

  private applyFaults(body: Record<string, unknown>): Record<string, unknown> {
    if (body.clear === true) {
      this.jobs.clearFaults();
      this.outage = undefined;
    }
    if (typeof body.failNextJob === 'string') this.failNextJob(body.failNextJob);
    else if (body.failNextJob === true) this.failNextJob();
    if (body.hangNextJob === true) this.hangNextJob();
    if (body.apiDown !== undefined) {
      if (body.apiDown !== false && body.apiDown !== 'unavailable' && body.apiDown !== 'reset') {
        throw invalidInput('faults.apiDown', 'must be false, "unavailable" or "reset"', body.apiDown);
      }
      this.setApiDown(body.apiDown);
    }
    return { apiDown: this.outage ?? false };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

export async function startAirbyteSimulator(options: AirbyteSimulatorOptions): Promise<AirbyteSimulator> {
  const simulator = new AirbyteSimulator(options);
  await simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return simulator;
}
