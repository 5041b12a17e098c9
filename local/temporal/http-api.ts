import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { invalidArgument, ServiceError } from './errors';
import { decodePlain, encodePlain } from './proto';
import { httpRoutes, matchRoute, type HttpRoute } from './http-routes';
import { messageFromJson, messageToJson, setPath, type JsonOptions } from './http-json';
import { errorAnswer, routingError, type HttpAnswer } from './http-errors';
import type { Rpc } from './worker-rpcs';

/**
 * Temporal's HTTP API (the frontend's grpc-gateway, service/frontend/http_api_server.go) over
 * the same handlers the gRPC server uses, called in-process: each route comes from a method's
 * `google.api.http` options, the request is built from the body, path and query parameters,
 * runs through the protobuf encoding the gRPC path uses, and the answer is proto3 JSON.
 */
export interface HttpCall {
  verb: string;
  /** The path, percent-encoded as received, without the query string. */
  path: string;
  query: URLSearchParams;
  body: string;
  /** Temporal's payload shorthand (true unless `noPayloadShorthand` / `+no-payload-shorthand`). */
  shorthand: boolean;
  isCancelled(): boolean;
}

export interface HttpApi {
  routes: HttpRoute[];
  call(c: HttpCall): Promise<HttpAnswer>;
}

/** Handlers by fully qualified service name (`temporal.api.workflowservice.v1.WorkflowService`). */
export type ServiceHandlers = Record<string, Record<string, Rpc>>;

const RESERVED_QUERY = new Set(['pretty', 'noPayloadShorthand']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) {
    into[k] = isPlainObject(into[k]) && isPlainObject(v) ? merge({ ...(into[k] as Record<string, unknown>) }, v) : v;
  }
  return into;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`invalid request body: ${(err as Error).message}`);
  }
}

/** The request message (as the gRPC path decodes it) for a matched route. */
function buildRequest(route: HttpRoute, params: Record<string, string>, c: HttpCall): object {
  const options: JsonOptions = { shorthand: c.shorthand };
  const type = route.requestType;
  let fromBody: Record<string, unknown> = {};
  if (route.body === '*') fromBody = messageFromJson(type, parseBody(c.body), type.name, options);
  else if (route.body) fromBody = messageFromJson(type, { [route.body]: parseBody(c.body) }, type.name, options);
  const strings: Record<string, unknown> = {};
  if (route.body !== '*') {
    for (const [key, value] of c.query) if (!RESERVED_QUERY.has(key)) setPath(strings, key, value);
  }
  const fromQuery = messageFromJson(type, strings, type.name, options, true);
  const pathStrings: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(params)) setPath(pathStrings, field, value);
  const fromPath = messageFromJson(type, pathStrings, type.name, options, true);
  const merged = merge(merge(fromBody, fromQuery), fromPath);
  return decodePlain<object>(type, encodePlain(type, merged));
}

export function createHttpApi(services: ServiceHandlers, onUnimplemented?: (method: string) => void): HttpApi {
  const routes = httpRoutes(Object.keys(services));
  return {
    routes,
    async call(c: HttpCall): Promise<HttpAnswer> {
      const options: JsonOptions = { shorthand: c.shorthand };
      let found: ReturnType<typeof matchRoute>;
      try {
        found = matchRoute(routes, c.verb, c.path);
      } catch {
        return errorAnswer(invalidArgument(`malformed path ${c.path}`), 'HTTP', options);
      }
      if (typeof found === 'string') return routingError(found);
      const { route, params } = found;
      const short = `${route.service.slice(route.service.lastIndexOf('.') + 1)}/${route.method}`;
      try {
        const rpc = services[route.service][route.method];
        if (!rpc) {
          onUnimplemented?.(short);
          throw new ServiceError(12, `${short} is not implemented by the local Temporal service`);
        }
        const request = buildRequest(route, params, c);
        const result = await rpc(request as never, { isCancelled: c.isCancelled });
        const response = route.responseType.decode(encodePlain(route.responseType, result));
        return { status: 200, body: messageToJson(route.responseType, response, options) };
      } catch (err) {
        return errorAnswer(err, route.method, options);
      }
    },
  };
}

/** Reads a node request into an HttpCall (the headers and parameters Temporal's HTTP API reads). */
export async function readHttpCall(req: http.IncomingMessage, res: http.ServerResponse, forceNoShorthand = false): Promise<HttpCall> {
  const url = new URL(req.url ?? '/', 'http://local');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const types = `${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''}`;
  let closed = false;
  res.on('close', () => (closed = true));
  return {
    verb: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    body: Buffer.concat(chunks).toString('utf8'),
    shorthand: !forceNoShorthand && !url.searchParams.has('noPayloadShorthand') && !types.includes('no-payload-shorthand'),
    isCancelled: () => closed && !res.writableEnded,
  };
}

export function writeAnswer(res: http.ServerResponse, answer: HttpAnswer, pretty: boolean): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(answer.body, null, pretty ? 2 : undefined);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface HttpApiServer {
  port: number;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** Serves the HTTP API on its own port (as `temporal server start-dev --http-port`). */
export async function serveHttpApi(api: HttpApi, host: string, port: number): Promise<HttpApiServer> {
  const server = http.createServer((req, res) => {
    readHttpCall(req, res)
      .then(async (c) => writeAnswer(res, await api.call(c), c.query.has('pretty')))
      .catch((err: unknown) => writeAnswer(res, errorAnswer(err, 'HTTP', { shorthand: true }), false));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
