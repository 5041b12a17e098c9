import * as grpc from '@grpc/grpc-js';
import type { Method, Type } from 'protobufjs';
import { ServiceError } from './errors';
import { ServiceClock, type TimeSkipping } from './clock';
import { testRpcs } from './test-rpcs';
import { updateRpcs } from './update-rpcs';
import { Engine } from './engine';
import { clientRpcs } from './client-rpcs';
import { inspectRpcs } from './inspect-rpcs';
import { workerRpcs, type Rpc } from './worker-rpcs';
import { systemRpcs } from './system-rpcs';
import { scheduleRpcs } from './schedule-wiring';
import { OPERATOR_SERVICE, operatorRpcs } from './operator-rpcs';
import { definitionsToTypes, type SearchAttributeDefinitions } from './search-attributes';
import { decodePlain, encodePlain, lookupType } from './proto';
import * as protoRoot from '@temporalio/proto';
import { createHttpApi, serveHttpApi, type HttpApi, type HttpApiServer } from './http-api';

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const TEST_SERVICE = 'temporal.api.testservice.v1.TestService';
const NAMESPACE = 'default';

export interface LocalTemporalOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * 'off' (default): real time, as Temporal's dev server. 'locked': Temporal's test server,
   * skipping only while a client unlocks it (the SDK's time-skipping client does while it
   * awaits a result); 'unlocked': the test server started with --enable-time-skipping.
   */
  timeSkipping?: TimeSkipping;
  /** Told of every call answered UNIMPLEMENTED, as `Service/Method`. */
  onUnimplemented?: (method: string) => void;
  /**
   * Custom search attributes registered at start, as the dev server's `--search-attribute Name=Type`
   * (see search-attribute-args.ts): `{ CustomerId: 'Keyword' }` or the SDK's `[{ name, type: 'KEYWORD' }]`.
   */
  searchAttributes?: SearchAttributeDefinitions;
  /** Also serve Temporal's HTTP API on this port (0 picks a free one), as the dev server's `--http-port`. */
  httpPort?: number;
}

export interface LocalTemporal {
  /** host:port to give Connection.connect / NativeConnection.connect. */
  address: string;
  port: number;
  namespace: string;
  /** Milliseconds since the epoch on the service clock. */
  now(): number;
  /** How far the clock has jumped ahead of real time. */
  skippedMs(): number;
  /** Temporal's HTTP API over the same handlers, callable in-process (the UI server uses it). */
  httpApi: HttpApi;
  /** http://host:port of the HTTP API when `httpPort` was given. */
  httpUrl?: string;
  shutdown(): Promise<void>;
}

interface ServiceSpec {
  /** Fully qualified service name, e.g. `temporal.api.workflowservice.v1.WorkflowService`. */
  name: string;
  rpcs: Record<string, Rpc>;
}

function methodDefinition(service: string, method: Method, rpcName: string): grpc.MethodDefinition<object, object> {
  method.resolve();
  const requestType = method.resolvedRequestType as Type;
  const responseType = method.resolvedResponseType as Type;
  return {
    path: `/${service}/${rpcName}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: object) => encodePlain(requestType, value),
    requestDeserialize: (bytes: Buffer) => decodePlain<object>(requestType, bytes),
    responseSerialize: (value: object) => encodePlain(responseType, value),
    responseDeserialize: (bytes: Buffer) => decodePlain<object>(responseType, bytes),
    originalName: rpcName.charAt(0).toLowerCase() + rpcName.slice(1),
  };
}

function toStatus(err: unknown, rpcName: string): Partial<grpc.StatusObject> {
  if (err instanceof ServiceError) return { code: err.code, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`local temporal: ${rpcName} failed: ${message}\n`);
  return { code: grpc.status.INTERNAL, details: `${rpcName}: ${message}` };
}

/** Told of every call answered UNIMPLEMENTED (`Service/Method`). */
type UnimplementedListener = (method: string) => void;

function unaryHandler(service: string, rpcName: string, rpc: Rpc | undefined, onUnimplemented?: UnimplementedListener): grpc.handleUnaryCall<object, object> {
  const shortService = service.slice(service.lastIndexOf('.') + 1);
  return (call, callback) => {
    if (!rpc) {
      onUnimplemented?.(`${shortService}/${rpcName}`);
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${shortService}/${rpcName} is not implemented by the local Temporal service` });
      return;
    }
    let cancelled = false;
    call.on('cancelled', () => (cancelled = true));
    Promise.resolve()
      .then(() => rpc(call.request as never, { isCancelled: () => cancelled || call.cancelled }))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toStatus(err, rpcName)),
      );
  };
}

/** Registers every method of a proto service; those without an implementation answer UNIMPLEMENTED. */
function addService(server: grpc.Server, spec: ServiceSpec, onUnimplemented?: UnimplementedListener): void {
  const service = (protoRoot as unknown as { lookupService(n: string): { methods: Record<string, Method> } }).lookupService(`.${spec.name}`);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(service.methods)) {
    definition[name] = methodDefinition(spec.name, method, name);
    handlers[name] = unaryHandler(spec.name, name, spec.rpcs[name], onUnimplemented);
  }
  server.addService(definition, handlers);
}

function healthService(server: grpc.Server): void {
  const req = lookupType('.grpc.health.v1.HealthCheckRequest');
  const res = lookupType('.grpc.health.v1.HealthCheckResponse');
  server.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
        requestSerialize: (v: object) => encodePlain(req, v), requestDeserialize: (b: Buffer) => decodePlain<object>(req, b),
        responseSerialize: (v: object) => encodePlain(res, v), responseDeserialize: (b: Buffer) => decodePlain<object>(res, b),
      },
    },
    { Check: ((_call, cb) => cb(null, { status: 1 })) as grpc.handleUnaryCall<object, object> },
  );
}

/** Starts the in-memory Temporal-compatible service (namespace `default`). */
export async function startLocalTemporal(options: LocalTemporalOptions = {}): Promise<LocalTemporal> {
  const clock = new ServiceClock(options.timeSkipping ?? 'off');
  const engine = new Engine(clock, NAMESPACE);
  const initialSearchAttributes = definitionsToTypes(options.searchAttributes);
  if (Object.keys(initialSearchAttributes).length > 0) engine.searchAttributes.add(initialSearchAttributes);
  const rpcs: Record<string, Rpc> = { ...systemRpcs(engine), ...clientRpcs(engine), ...inspectRpcs(engine), ...workerRpcs(engine), ...scheduleRpcs(engine), ...updateRpcs(engine) };
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 128 * 1024 * 1024, 'grpc.max_send_message_length': 128 * 1024 * 1024 });
  const operator = operatorRpcs(engine.searchAttributes);
  addService(server, { name: WORKFLOW_SERVICE, rpcs }, options.onUnimplemented);
  addService(server, { name: TEST_SERVICE, rpcs: clock.timeSkipping ? testRpcs(clock) : {} }, options.onUnimplemented);
  addService(server, { name: OPERATOR_SERVICE, rpcs: operator }, options.onUnimplemented);
  healthService(server);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const httpApi = createHttpApi({ [WORKFLOW_SERVICE]: rpcs, [OPERATOR_SERVICE]: operator }, options.onUnimplemented);
  let httpServer: HttpApiServer | undefined;
  if (options.httpPort !== undefined) httpServer = await serveHttpApi(httpApi, host, options.httpPort);
  let stopped = false;
  return {
    address: `${host}:${port}`,
    port,
    namespace: NAMESPACE,
    now: () => clock.now(),
    skippedMs: () => clock.skippedMs(),
    httpApi,
    httpUrl: httpServer?.url,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      await httpServer?.close();
      engine.shutdown();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
