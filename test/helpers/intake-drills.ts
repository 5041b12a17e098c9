/**
 * Driving the alert intake as a sender on the network would, for the drills:
 *   request(url, options)          one HTTP request on its own connection (localAddress: a sender
 *                                  address of 127.0.0.0/8), { status, headers, body (parsed JSON), ms }
 *   rawExchange(port, chunks)      writes raw bytes, then waits (event-driven) until the server
 *                                  closes the connection: { text, ms } of everything it answered
 *   openConnections(port, n, from) n TCP connections from one address; `closed` counts those the
 *                                  server closed, `whenClosed(k)` resolves once k are
 *   workflowSet(client)            every workflow the service holds, as "workflowId runId"
 *   alertmanager(alerts) / firing(labels, extra)   webhook bodies
 *   intakeLog()                    an access-log sink keeping every entry as a JSON line
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Client } from '@temporalio/client';
import type { AccessLogEntry } from '../../client/alert-intake';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
  ms: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
}

export function request(url: string, options: RequestOptions = {}): Promise<Answer> {
  const started = Date.now();
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = { ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, ms: Date.now() - started });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `chunks` (then keeps the connection open) and resolves when the server closes it. */
export function rawExchange(port: number, chunks: (string | Buffer)[], localAddress?: string): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => resolve({ text: Buffer.concat(received).toString('utf8'), ms: Date.now() - started }));
  });
}

export interface Connections {
  sockets: Socket[];
  readonly closed: number;
  whenClosed(count: number): Promise<void>;
  destroy(): Promise<void>;
}

export async function openConnections(port: number, count: number, localAddress: string): Promise<Connections> {
  let closed = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const onClose = () => {
    closed += 1;
    for (const w of waiters.filter((w) => closed >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ port, host: '127.0.0.1', localAddress });
          socket.resume();
          socket.on('error', () => undefined);
          socket.once('close', onClose);
          socket.once('connect', () => resolve(socket));
          socket.once('error', (err) => reject(err));
        }),
    ),
  );
  return {
    sockets,
    get closed() {
      return closed;
    },
    whenClosed: (n) => (closed >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ count: n, resolve }))),
    async destroy() {
      const open = sockets.filter((s) => !s.destroyed).length;
      const all = new Promise<void>((resolve) => waiters.push({ count: closed + open, resolve }));
      for (const s of sockets) s.destroy();
      await all;
    },
  };
}

/**
 * Every run the service holds, open and closed, through ListOpen/ListClosedWorkflowExecutions:
 * Temporal's test server answers those (not ListWorkflowExecutions), as its server does.
 */
export async function allWorkflows(client: Client): Promise<{ workflowId: string; runId: string }[]> {
  const startTimeFilter = { earliestTime: { seconds: 0 }, latestTime: { seconds: 253_402_300_799 } }; // up to 9999-12-31
  const out: { workflowId: string; runId: string }[] = [];
  type Page = { executions?: { execution?: { workflowId?: string | null; runId?: string | null } | null }[] | null; nextPageToken?: Uint8Array | null };
  const lists = [client.workflowService.listOpenWorkflowExecutions, client.workflowService.listClosedWorkflowExecutions] as ((request: object) => Promise<Page>)[];
  for (const list of lists) {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await list.call(client.workflowService, { namespace: 'default', maximumPageSize: 1000, startTimeFilter, nextPageToken });
      for (const e of page.executions ?? []) out.push({ workflowId: e.execution?.workflowId ?? '', runId: e.execution?.runId ?? '' });
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
  return out;
}

/** Every workflow the service holds, as "workflowId runId". */
export async function workflowSet(client: Client): Promise<Set<string>> {
  return new Set((await allWorkflows(client)).map((wf) => `${wf.workflowId} ${wf.runId}`));
}

/** The entries of `after` not in `before`. */
export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((e) => !before.has(e)).sort();
}

export const alertmanager = (alerts: object[]) => ({ version: '4', status: 'firing', receiver: 'recovery', groupKey: '{}', alerts });

export const firing = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({ status: 'firing', labels, annotations: {}, ...extra });

/** YYYY-MM-DD `days` before `now` (UTC). */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);

export function intakeLog(): { lines: string[]; entries: AccessLogEntry[]; log: (entry: AccessLogEntry) => void } {
  const lines: string[] = [];
  const entries: AccessLogEntry[] = [];
  return {
    lines,
    entries,
    log: (entry) => {
      entries.push(entry);
      lines.push(JSON.stringify(entry));
    },
  };
}
