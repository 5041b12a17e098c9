/**
 * The alert intake (`orchestrator serve-alerts`): `POST /alerts` takes an
 * Alertmanager or DataDog webhook and starts (or joins) the recoveries its
 * firing alerts call for, all or nothing (client/alert-recovery.ts).
 *   200  every alert started, joined or ignored (resolved), listed per alert
 *   400  an alert (or the payload) refused; nothing started; the sender should not retry
 *   401  no valid secret (checked before the body is read); says nothing else
 *   413  body over the limit, or more alerts than the per-request cap
 *   415  not application/json
 *   429  the batch would pass the rate of new recoveries; nothing started; Retry-After
 *   503  Temporal did not answer (both senders retry on 5xx)
 * `GET /healthz` answers 200 while the process serves; `GET /readyz` 200 once
 * Temporal answers (temporal-readiness.ts), 503 before and whenever it stops
 * answering. Transport bounds: intake-server.ts.
 * Without a secret the intake listens on loopback only.
 */
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvConfig } from '../config/env';
import type { SystemName } from '../config/pipelines';
import { isLoopbackHost, secretCheck } from './alert-auth';
import { AlertPayloadError, DEFAULT_MAPPING_RULES } from './alert-mapping';
import { StartBudget } from './alert-rate-limit';
import { startRecoveriesForAlerts, type AlertIntakeResult } from './alert-recovery';
import type { ClientSettings } from './connection';
import { temporalReadiness } from './temporal-readiness';
import { addressOf, createIntakeServer, type AccessLogEntry, type TransportLimits } from './intake-server';

export type { AccessLogEntry } from './intake-server';

export interface IntakeLimits extends TransportLimits {
  maxAlerts: number;
  windowDays: number;
  ratePerSender: number;
  rateTotal: number;
  allowRestore: readonly SystemName[];
  /** Deadline of the Temporal calls one request makes; a Temporal that does not answer in time is a 503. */
  temporalTimeoutMs: number;
}

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  ...DEFAULT_MAPPING_RULES,
  ratePerSender: 10,
  rateTotal: 30,
  temporalTimeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  maxConnections: 256,
  maxConnectionsPerSender: 32,
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  handlerTimeoutMs: 30_000,
};

/** The limits as configured (config/env.ts ALERT_INTAKE_* and ALERT_ALLOW_RESTORE). */
export function intakeLimitsFrom(config: EnvConfig): IntakeLimits {
  return {
    ...DEFAULT_INTAKE_LIMITS,
    maxAlerts: config.ALERT_INTAKE_MAX_ALERTS,
    windowDays: config.ALERT_INTAKE_WINDOW_DAYS,
    ratePerSender: config.ALERT_INTAKE_RATE_PER_SENDER,
    rateTotal: config.ALERT_INTAKE_RATE_TOTAL,
    maxBodyBytes: config.ALERT_INTAKE_MAX_BODY_BYTES,
    maxConnections: config.ALERT_INTAKE_MAX_CONNECTIONS,
    maxConnectionsPerSender: config.ALERT_INTAKE_MAX_CONNECTIONS_PER_SENDER,
    requestTimeoutMs: config.ALERT_INTAKE_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: config.ALERT_INTAKE_HEADERS_TIMEOUT_MS,
    allowRestore: config.ALERT_ALLOW_RESTORE,
  };
}

export interface AlertIntakeOptions {
  client: Client;
  settings: ClientSettings;
  /** The secret senders present; without it the intake only listens on loopback. */
  token?: string;
  limits?: Partial<IntakeLimits>;
  /** Extra recovery input, e.g. { engine: 'airbyte' }. */
  recoveryInput?: Record<string, unknown>;
  /** One entry per request (the access log). */
  log?: (entry: AccessLogEntry) => void;
  /** The clock of the date window (default: the system clock). */
  now?: () => Date;
}

export interface AlertIntake {
  /** Listens on host:port (0: a free port), refusing a non-loopback host without a secret; resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly server: Server;
  /** Connections held now. */
  connections(): number;
}

const STATUS: Record<AlertIntakeResult['status'], number> = { done: 200, refused: 400, rate_limited: 429, unavailable: 503 };

function outcomeOf(result: AlertIntakeResult): string {
  if (result.status !== 'done') return result.status;
  if (result.alerts.some((a) => a.outcome === 'started')) return 'started';
  return result.alerts.some((a) => a.outcome === 'joined') ? 'joined' : 'ignored';
}

export function createAlertIntake(options: AlertIntakeOptions): AlertIntake {
  const limits: IntakeLimits = { ...DEFAULT_INTAKE_LIMITS, ...options.limits };
  const log = options.log ?? ((entry: AccessLogEntry) => console.log(JSON.stringify(entry)));
  const { app, connections, note } = createIntakeServer(limits, log);
  const authorised = options.token ? secretCheck(options.token) : () => true;
  const budget = new StartBudget({ perSender: limits.ratePerSender, total: limits.rateTotal });
  const { client, settings } = options;

  const readiness = temporalReadiness(client);
  let closing: Promise<void> | undefined;

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => (readiness.ready() ? { ready: true } : reply.code(503).send({ ready: false, error: 'Temporal does not answer' })));

  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    if (authorised(req.headers)) return;
    reply.header('www-authenticate', 'Bearer realm="alert-intake"').header('connection', 'close');
    await reply.code(401).send({ error: 'unauthorized' });
  };

  app.post('/alerts', { onRequest: authenticate, schema: { body: { type: 'object' } } }, async (req, reply) => {
    const sender = addressOf(req.raw.socket);
    let result: AlertIntakeResult;
    try {
      result = await client.connection.withDeadline(Date.now() + limits.temporalTimeoutMs, () =>
        startRecoveriesForAlerts(client, settings, req.body, {
          rules: { now: options.now?.() ?? new Date(), windowDays: limits.windowDays, maxAlerts: limits.maxAlerts, allowRestore: limits.allowRestore },
          extraInput: options.recoveryInput,
          budget: (count) => budget.take(sender, count),
        }),
      );
    } catch (err) {
      if (!(err instanceof AlertPayloadError)) throw err;
      note(req, { outcome: err.status === 413 ? 'too_many_alerts' : 'refused' });
      return reply.code(err.status).send({ error: err.message });
    }
    note(req, {
      outcome: outcomeOf(result),
      alerts: result.alerts.length,
      recoveries: result.alerts.flatMap((a) => (a.outcome === 'started' || a.outcome === 'joined' ? [`${a.outcome} ${a.workflowId}`] : [])),
      ...(result.error ? { error: result.error } : {}),
    });
    if (result.retryAfterSeconds !== undefined) reply.header('retry-after', String(result.retryAfterSeconds));
    return reply.code(STATUS[result.status]).send(result);
  });
  app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url: '/alerts', handler: async (_req, reply) => reply.code(405).header('allow', 'POST').send({ error: 'use POST /alerts' }) });

  return {
    async listen(port, host = '127.0.0.1') {
      if (!options.token && !isLoopbackHost(host)) {
        throw new Error(`refusing to listen on ${host} without a secret: set ALERT_INTAKE_TOKEN or ALERT_INTAKE_TOKEN_FILE, or listen on 127.0.0.1`);
      }
      await app.listen({ port, host });
      readiness.start();
      return (app.server.address() as AddressInfo).port;
    },
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await readiness.stop();
      })()),
    get server() {
      return app.server;
    },
    connections,
  };
}
