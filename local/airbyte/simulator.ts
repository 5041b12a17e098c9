/**
 * A local Airbyte server speaking the Config API subset the activities use
 * (routes.ts), with Airbyte's authentication (auth.ts), request reading
 * (request-body.ts) and error answers (errors.ts). Sync jobs run an injected
 * sync function (in the main job, the direct engine).
 *
 * Faults, in process or by POST /_sim/faults (faults.ts): the next job fails,
 * fails its first attempt only, hangs or stays queued (until released or
 * cancelled); the API answers 502/503 for the next N requests or until cleared,
 * or drops connections; every token issued expires at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AIRBYTE_CONNECTIONS, type SourceRole, type SystemName } from '../../config/pipelines';
import { HEALTH_PATH, isEndpoint } from '../../activities/airbyte/config-api-endpoints';
import { SimulatedAuth, type SimulatedAuthConfig } from './auth';
import type { JobInfoRead, JobStatus } from './config-api';
import { ConnectionRegistry, type SimulatedConnectionConfig } from './connections';
import { AirbyteApiError, badGateway, basicAuthRequired, invalidJson, serviceUnavailable, unauthorized, uncaught, unknownEndpoint, unsupportedMediaType } from './errors';
import { applyFaults, type ApiOutage } from './faults';
import { JobBoard, type RunSync } from './jobs';
import { parseJson, readRequest } from './request-body';
import { route } from './routes';
import { BodyTooLargeError, listen, readRequestBody } from '../http-server';

export type { RunSync, SyncStats } from './jobs';
export type { SimulatedConnectionConfig, ConnectionIdentity } from './connections';
export type { SimulatedAuthConfig } from './auth';
export type { ApiOutage } from './faults';

export interface AirbyteSimulatorOptions {
  runSync: RunSync;
  /** Defaults to config/pipelines AIRBYTE_CONNECTIONS, backups inactive. */
  connections?: Record<string, SimulatedConnectionConfig>;
  /** Defaults to none (API_AUTHORIZATION_ENABLED=false). */
  auth?: SimulatedAuthConfig;
  /** The workspace's id (a demo stack's worker is configured with it); random by default. */
  workspaceId?: string;
  /** How jobs/get answers logs: structured LogEvents (default, Airbyte 1.x) or formatted LogRead lines. */
  logFormat?: 'structured' | 'formatted';
  /** Unknown properties refused on connections/* (EnableStrictJsonDeserialization on); default true. */
  strictJson?: boolean;
  port?: number;
  host?: string;
}

/** One request as the simulator saw it: the body sent and the answer given (no header, secret or token is kept). */
export interface SimulatedRequest {
  method: string;
  path: string;
  /** The Authorization scheme presented, if any. */
  scheme?: string;
  body?: unknown;
  status: number;
  response?: unknown;
}

const MAX_BODY_BYTES = 1 << 20;
const API_PREFIX = '/api/v1/';
const MAX_REQUESTS_KEPT = 10_000;

export function defaultSimulatedConnections(): Record<string, SimulatedConnectionConfig> {
  const out: Record<string, SimulatedConnectionConfig> = {};
  for (const [system, roles] of Object.entries(AIRBYTE_CONNECTIONS) as [SystemName, Partial<Record<SourceRole, string>>][]) {
    for (const [role, name] of Object.entries(roles) as [SourceRole, string][]) {
      out[name] = { system, role, status: role === 'backup' ? 'inactive' : 'active' };
    }
  }
  return out;
}

export class AirbyteSimulator {
  readonly registry: ConnectionRegistry;
  readonly jobs: JobBoard;
  readonly auth: SimulatedAuth;
  /** Every request served, in order. */
  readonly requests: SimulatedRequest[] = [];
  /** What the server logs under each errorId it answers with. */
  readonly serverLog: { errorId?: string; status: number; detail: string }[] = [];
  outage: ApiOutage | undefined;
  /** Requests still to answer with an outage status before the API is back. */
  outageRequestsLeft = Infinity;
  private readonly strictJson: boolean;
  private readonly holds: { paths: string[]; reach: (path: string) => void; released: Promise<void> }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(options: AirbyteSimulatorOptions) {
    this.registry = new ConnectionRegistry(options.connections ?? defaultSimulatedConnections(), options.workspaceId);
    this.jobs = new JobBoard(options.runSync, options.logFormat);
    this.auth = new SimulatedAuth(options.auth ?? { mode: 'none' });
    this.strictJson = options.strictJson ?? true;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = `http://${host}:${await listen(server, port, host)}`;
    return this.url;
  }

  /** Every attempt of the next job fails with this message (the job ends failed after its attempts); withoutSummary: no failureSummary recorded, the message only in the logs. */
  failNextJob(message = 'Source MySQL: Communications link failure', options: { withoutSummary?: boolean } = {}): void {
    this.jobs.injectFault({ kind: 'fail', message, ...options });
  }

  /** The next job's first attempt fails with this message; its second attempt runs the sync. */
  failFirstAttemptOfNextJob(message = 'Destination S3: connection reset'): void {
    this.jobs.injectFault({ kind: 'failFirstAttempt', message });
  }

  /** The next job runs until cancelled or released (releaseJob: then it syncs). */
  hangNextJob(): void {
    this.jobs.injectFault({ kind: 'hang' });
  }

  /** The next job stays queued (waiting for capacity) until cancelled or released. */
  queueNextJob(): void {
    this.jobs.injectFault({ kind: 'queue' });
  }

  releaseJob(jobId: number): boolean {
    return this.jobs.release(jobId);
  }

  /** unavailable: 503; bad_gateway: 502 (the proxy); reset: connections dropped. For `requests` requests, or until cleared. */
  setApiDown(outage: ApiOutage | false, requests = Infinity): void {
    this.outage = outage || undefined;
    this.outageRequestsLeft = requests;
  }

  /**
   * Holds the next request to one of `paths` before it is served, until released, so a test
   * can order what happens meanwhile (a job ending, another starting) without timing.
   */
  holdNextRequest(paths: string[]): { reached: Promise<string>; release(): void } {
    let reach!: (path: string) => void;
    let release!: () => void;
    const reached = new Promise<string>((resolve) => (reach = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ paths, reach, released });
    return { reached, release };
  }

  expireTokens(): void {
    this.auth.expireTokens();
  }

  connectionId(name: string): string {
    return this.registry.idOf(name);
  }

  /** Resolves with the job once its status is one of `statuses`; rejects after timeoutMs. */
  waitForJobStatus(jobId: number, statuses: JobStatus[], timeoutMs = 30_000): Promise<JobInfoRead> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!statuses.includes(this.jobs.status(jobId))) return false;
        cleanup();
        resolve(this.jobs.info(jobId, 'logs'));
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`airbyte simulator: job ${jobId} not ${statuses.join('|')} within ${timeoutMs} ms (is ${this.jobs.status(jobId)})`));
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

  private async readBody(req: IncomingMessage): Promise<string> {
    return readRequestBody(req, MAX_BODY_BYTES).catch((err: unknown) => {
      throw err instanceof BodyTooLargeError ? invalidJson('request body larger than 1 MiB') : err;
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? '?';
    const scheme = req.headers.authorization?.split(' ')[0];
    const record: SimulatedRequest = { method, path, ...(scheme ? { scheme } : {}), status: 0 };
    try {
      if (path === '/_sim/faults' && method === 'POST') {
        return this.send(res, 200, applyFaults(this, parseJson(await this.readBody(req)) as Record<string, unknown>));
      }
      this.requests.push(record);
      if (this.requests.length > MAX_REQUESTS_KEPT) this.requests.shift();
      if (this.outage && this.outageRequestsLeft > 0) {
        this.outageRequestsLeft -= 1;
        const outage = this.outage;
        if (this.outageRequestsLeft <= 0) this.outage = undefined;
        if (outage === 'reset') {
          record.status = -1;
          req.socket.destroy();
          return;
        }
        throw outage === 'bad_gateway' ? badGateway() : serviceUnavailable();
      }
      if (path === HEALTH_PATH && method === 'GET') return this.answer(res, record, 200, { available: true });
      const endpoint = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : '';
      if (method !== 'POST' || !isEndpoint(endpoint)) throw unknownEndpoint(method, path);
      const held = this.holds.findIndex((h) => h.paths.includes(path));
      if (held >= 0) {
        const [hold] = this.holds.splice(held, 1);
        hold.reach(path);
        await hold.released;
      }
      if (endpoint !== 'applications/token' && !this.auth.accepts(req.headers.authorization)) {
        this.auth.refusals.push(path);
        throw this.auth.mode === 'basic' ? basicAuthRequired() : unauthorized();
      }
      const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (contentType !== 'application/json') throw unsupportedMediaType(path, contentType);
      const json = parseJson(await this.readBody(req));
      const secret = endpoint === 'applications/token';
      record.body = secret ? { ...(json as object), client_secret: '[secret]' } : json;
      const body = readRequest(endpoint, json, this.strictJson);
      const answer = route(this, endpoint, body);
      this.answer(res, record, 200, answer);
      if (secret) record.response = { access_token: '[token]' };
    } catch (error) {
      const answer = error instanceof AirbyteApiError ? error : uncaught((error as Error).message);
      const errorId = (answer.body as { errorId?: string } | undefined)?.errorId;
      this.serverLog.push({ ...(errorId ? { errorId } : {}), status: answer.httpStatus, detail: answer.detail });
      this.answer(res, record, answer.httpStatus, answer.body, answer.headers);
    }
  }

  private answer(res: ServerResponse, record: SimulatedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
    record.status = status;
    record.response = body;
    this.send(res, status, body, headers);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const type = body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' };
    res.writeHead(status, { ...type, ...headers, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

export async function startAirbyteSimulator(options: AirbyteSimulatorOptions): Promise<AirbyteSimulator> {
  const simulator = new AirbyteSimulator(options);
  await simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return simulator;
}
