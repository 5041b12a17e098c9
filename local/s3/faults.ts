/**
 * A fault-injection HTTP proxy in front of a (local) S3 endpoint.
 *
 *   const proxy = await startS3FaultProxy(s3.endpoint);
 *   const client = s3.client(proxy.endpoint);
 *   proxy.failNext(2, { status: 503 });                 // next 2 requests → 503 SlowDown
 *   proxy.failNext(1, { operations: ['CopyObject'] });   // next CopyObject → 500 InternalError
 *   proxy.failNext(3, { operations: ['CopyObject'], skip: 2 }); // 2 CopyObjects pass, the next 3 fail
 *   proxy.failFraction(0.3, { seed: 7 });                // ~30 % of requests fail (seeded, repeatable)
 *   proxy.failWhile(async () => (await clock()) < end, { status: 503 }); // an outage: every request fails while it lasts
 *   proxy.dropUploadAfterParts(2);                       // parts 1-2 pass, every later UploadPart is cut mid-body
 *   proxy.latency(300, { operations: ['PutObject'] });   // a slow link: each PutObject forwarded 300 ms late
 *   proxy.clear();                                       // back to a transparent proxy
 *   proxy.log / proxy.count('UploadPart', 'dropped')     // what went through and what was injected
 *
 * Failures answer like S3 does: the status code and S3's XML error body
 * (InternalError for 500, SlowDown for 503), so SDK retry logic reacts as it
 * would in production. A drop reads part of the request body and destroys
 * the socket, as a network cut in the middle of an upload would.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyS3Request, type S3Operation } from './operations';

export type FaultStatus = 500 | 503;
export interface FaultOptions {
  status?: FaultStatus;
  /** Only requests of these operations are affected (all by default). */
  operations?: S3Operation[];
}
export interface FailNextOptions extends FaultOptions {
  /** Let this many matching requests through first. */
  skip?: number;
}
export type FaultOutcome = 'forwarded' | 'failed' | 'dropped';
export interface ProxiedRequest {
  operation: S3Operation;
  method: string;
  path: string;
  outcome: FaultOutcome;
  status?: number;
}

export interface S3FaultProxy {
  endpoint: string;
  failNext(count: number, options?: FailNextOptions): void;
  failFraction(fraction: number, options?: FaultOptions & { seed?: number }): void;
  /** Every matching request fails while `active()` says so (asked per request, e.g. against a service clock). */
  failWhile(active: () => boolean | Promise<boolean>, options?: FaultOptions): void;
  /** Lets `parts` UploadPart requests through, then cuts the next ones (`times` of them, all by default). */
  dropUploadAfterParts(parts: number, options?: { times?: number }): void;
  /** Forwards each matching request `ms` late, as a slow or distant link would (0: no delay). */
  latency(ms: number, options?: Pick<FaultOptions, 'operations'>): void;
  clear(): void;
  readonly log: readonly ProxiedRequest[];
  count(operation?: S3Operation, outcome?: FaultOutcome): number;
  close(): Promise<void>;
}

const S3_ERRORS: Record<FaultStatus, { code: string; message: string }> = {
  500: { code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  503: { code: 'SlowDown', message: 'Please reduce your request rate.' },
};

/** Small seeded PRNG (mulberry32) so fractional faults repeat run after run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const applies = (options: FaultOptions | undefined, op: S3Operation) =>
  !options?.operations || options.operations.includes(op);

export async function startS3FaultProxy(target: string, options: { port?: number } = {}): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:') throw new Error(`startS3FaultProxy: target ${target} must be an http:// endpoint`);

  let next: { remaining: number; skip: number; options?: FaultOptions } | undefined;
  let fraction: { p: number; random: () => number; options?: FaultOptions } | undefined;
  let drop: { after: number; seen: number; remaining: number } | undefined;
  let slow: { ms: number; options?: FaultOptions } | undefined;
  let outage: { active: () => boolean | Promise<boolean>; options?: FaultOptions } | undefined;
  const log: ProxiedRequest[] = [];

  const decide = (op: S3Operation): { kind: 'fail'; status: FaultStatus } | { kind: 'drop' } | undefined => {
    if (drop && op === 'UploadPart') {
      if (drop.seen < drop.after) drop.seen += 1;
      else if (drop.remaining > 0) {
        drop.remaining -= 1;
        return { kind: 'drop' };
      }
    }
    if (next && next.remaining > 0 && applies(next.options, op)) {
      if (next.skip > 0) next.skip -= 1;
      else {
        next.remaining -= 1;
        return { kind: 'fail', status: next.options?.status ?? 500 };
      }
    }
    if (fraction && applies(fraction.options, op) && fraction.random() < fraction.p) {
      return { kind: 'fail', status: fraction.options?.status ?? 500 };
    }
    return undefined;
  };

  const fail = (req: IncomingMessage, res: ServerResponse, status: FaultStatus) => {
    const { code, message } = S3_ERRORS[status];
    const body =
      req.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
    // Drain the request body first so the client sees the answer rather than a reset.
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };

  const cut = (req: IncomingMessage) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (!length) {
      req.socket.destroy();
      return;
    }
    req.once('data', () => req.socket.destroy());
  };

  const forward = (req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest) => {
    const upstreamReq = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        // a response cut on the way (either side giving up) ends the client's response too, never the proxy
        upstreamRes.once('error', () => res.destroy());
        entry.status = upstreamRes.statusCode;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', (err) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: upstream ${target} failed: ${err.message}`);
    });
    req.once('error', () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  };

  const outageStatus = async (op: S3Operation): Promise<FaultStatus | undefined> => {
    const current = outage;
    if (!current || !applies(current.options, op)) return undefined;
    const on = await Promise.resolve(current.active()).catch(() => false);
    return on ? current.options?.status ?? 500 : undefined;
  };

  const server = createServer(async (req, res) => {
    const operation = classifyS3Request(req);
    const entry: ProxiedRequest = { operation, method: req.method ?? '', path: req.url ?? '', outcome: 'forwarded' };
    log.push(entry);
    // A client that gives up mid-request (its own timeout, a cancelled upload) is not the proxy's failure:
    // without listeners the streams' 'aborted' errors would be thrown out of the process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    // Only an outage asks its clock; otherwise the request is handled at once, as before.
    let down: FaultStatus | undefined;
    if (outage) {
      req.pause();
      down = await outageStatus(operation);
    }
    const fault = down ? ({ kind: 'fail', status: down } as const) : decide(operation);
    if (fault?.kind === 'drop') {
      entry.outcome = 'dropped';
      cut(req);
    } else if (fault?.kind === 'fail') {
      entry.outcome = 'failed';
      entry.status = fault.status;
      fail(req, res, fault.status);
    } else if (slow && slow.ms > 0 && applies(slow.options, operation)) {
      req.pause();
      setTimeout(() => forward(req, res, entry), slow.ms);
    } else {
      forward(req, res, entry);
    }
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`startS3FaultProxy: cannot listen: ${err.message}`)));
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });

  const checkCount = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 0) throw new Error(`fault proxy: ${name} must be a non-negative integer, got ${value}`);
  };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    failNext(count, opts) {
      checkCount('failNext count', count);
      checkCount('failNext skip', opts?.skip ?? 0);
      next = { remaining: count, skip: opts?.skip ?? 0, options: opts };
    },
    failFraction(p, opts) {
      if (!(p >= 0 && p <= 1)) throw new Error(`fault proxy: failFraction must be within 0..1, got ${p}`);
      fraction = { p, random: seededRandom(opts?.seed ?? 1), options: opts };
    },
    dropUploadAfterParts(parts, opts) {
      checkCount('dropUploadAfterParts parts', parts);
      drop = { after: parts, seen: 0, remaining: opts?.times ?? Number.POSITIVE_INFINITY };
    },
    latency(ms, opts) {
      checkCount('latency ms', ms);
      slow = { ms, options: opts };
    },
    failWhile(active, opts) {
      outage = { active, options: opts };
    },
    clear() {
      outage = undefined;
      next = undefined;
      fraction = undefined;
      drop = undefined;
      slow = undefined;
    },
    log,
    count(operation, outcome) {
      return log.filter((e) => (!operation || e.operation === operation) && (!outcome || e.outcome === outcome)).length;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
