/**
 * The alert intake's HTTP transport, on fastify: what any request meets
 * before a route sees it.
 *   - body limit: a Content-Length over it is answered 413 before the body is
 *     read; a body growing past it is answered 413 and the connection closed;
 *   - JSON only (415 otherwise), parsed refusing __proto__/constructor keys;
 *   - timeouts: headers within headersTimeoutMs and the whole request within
 *     requestTimeoutMs (408, then closed), idle and keep-alive sockets closed;
 *   - a connection cap overall (net.Server maxConnections: extra connections
 *     are closed at once) and per sender address, so one sender cannot take
 *     every connection and the health endpoints stay reachable;
 *   - one JSON access-log line per request (and per timed-out connection):
 *     source address, method, path, status, outcome, duration and whatever the
 *     route noted (recovery ids). Headers are never logged, so neither is a token.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export interface TransportLimits {
  maxBodyBytes: number;
  maxConnections: number;
  maxConnectionsPerSender: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Bound on a route's own work (Temporal calls); 503 past it. */
  handlerTimeoutMs: number;
}

export interface AccessLogEntry {
  time: string;
  level: 'info' | 'warn';
  msg: 'alert intake request';
  source: string;
  method: string;
  path: string;
  status: number;
  outcome: string;
  ms: number;
  [field: string]: unknown;
}

export interface IntakeServer {
  app: FastifyInstance;
  /** Connections held now, from every sender. */
  connections(): number;
  /** Adds fields (outcome, recoveries…) to this request's access-log line. */
  note(req: FastifyRequest, fields: Record<string, unknown>): void;
}

const OUTCOME_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'timeout',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The sender's address, IPv4-mapped IPv6 written as IPv4. */
export function addressOf(socket: Socket | undefined): string {
  return (socket?.remoteAddress ?? 'unknown').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function parseJson(text: string): unknown {
  if (text.trim() === '') throw Object.assign(new Error('alert body is empty'), { statusCode: 400 });
  try {
    return JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new RangeError(`key ${key}`);
      return value;
    });
  } catch (err) {
    const message = err instanceof RangeError ? `alert body carries a forbidden ${err.message}` : 'alert body is not JSON';
    throw Object.assign(new Error(message), { statusCode: 400 });
  }
}

function errorMessage(err: FastifyError, limits: TransportLimits): string {
  if (err.statusCode === 413) return `alert body larger than ${limits.maxBodyBytes} bytes`;
  if (err.statusCode === 415) return 'expected Content-Type: application/json';
  if (err.statusCode === 503) return 'the intake timed out waiting for Temporal; retry';
  return (err.statusCode ?? 500) < 500 ? err.message.split('\n')[0].slice(0, 300) : 'internal error';
}

export function createIntakeServer(limits: TransportLimits, log: (entry: AccessLogEntry) => void): IntakeServer {
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = Math.min(limits.headersTimeoutMs, requestTimeout);
  const entry = (source: string, method: string, path: string, status: number, started: number, fields: Record<string, unknown> = {}): AccessLogEntry => ({
    time: new Date().toISOString(),
    level: status >= 500 ? 'warn' : 'info',
    msg: 'alert intake request',
    source,
    method,
    path: path.split('?')[0].slice(0, 100),
    status,
    outcome: OUTCOME_BY_STATUS[status] ?? (status < 400 ? 'ok' : 'error'),
    ms: Date.now() - started,
    ...fields,
  });

  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    requestTimeout,
    // Inactivity bound on a socket: past the request timeout, so a slow request gets its 408 first.
    connectionTimeout: 2 * requestTimeout,
    keepAliveTimeout: Math.min(5_000, requestTimeout),
    handlerTimeout: limits.handlerTimeoutMs,
    // Node checks the timeouts at this interval (30 s by default, far longer than a short timeout).
    http: { headersTimeout, connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(headersTimeout / 4))) },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({ error: status === 408 ? 'request not received in time' : STATUS_CODES[status] });
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
      log(entry(addressOf(socket), '-', '-', status, Date.now(), status === 408 ? {} : { outcome: 'bad_request' }));
    },
  });
  app.server.maxConnections = limits.maxConnections;
  const perSender = new Map<string, number>();
  app.server.prependListener('connection', (socket: Socket) => {
    const sender = addressOf(socket);
    const held = perSender.get(sender) ?? 0;
    if (held >= limits.maxConnectionsPerSender) {
      socket.destroy();
      return;
    }
    perSender.set(sender, held + 1);
    socket.once('close', () => {
      const left = (perSender.get(sender) ?? 1) - 1;
      if (left > 0) perSender.set(sender, left);
      else perSender.delete(sender);
    });
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  const notes = new WeakMap<FastifyRequest, Record<string, unknown>>();
  const started = new WeakMap<FastifyRequest, number>();
  app.addHook('onRequest', async (req) => {
    started.set(req, Date.now());
  });
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    log(entry(addressOf(req.raw.socket), req.method, req.url, reply.statusCode, started.get(req) ?? Date.now(), notes.get(req)));
  });
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.validation ? 400 : (err.statusCode ?? 500);
    if (status === 413 || status === 415) reply.header('connection', 'close');
    void reply.code(status).send({ error: err.validation ? `alert payload: ${err.message}` : errorMessage(err, limits) });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: 'not found: POST /alerts, GET /healthz, GET /readyz' });
  });

  return {
    app,
    connections: () => [...perSender.values()].reduce((a, b) => a + b, 0),
    note: (req, fields) => notes.set(req, { ...notes.get(req), ...fields }),
  };
}
