/**
 * The part the Slack and PagerDuty receivers share: a local HTTP server that
 * records each request it accepted, lets tests wait for one (event-driven), and
 * can be put out of order (answer 500, or drop the connection).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, readRequestBody } from '../http-server';

export type ReceiverOutage = 'error' | 'reset';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const MAX_BODY_BYTES = 1 << 20;

export abstract class RecordingReceiver<T> {
  private readonly records: T[] = [];
  private readonly times: (number | undefined)[] = [];
  private clock: (() => Promise<number>) | undefined;
  private readonly events = new EventEmitter();
  private outage: ReceiverOutage | undefined;
  private server: Server | undefined;
  /** Every request that reached the receiver, accepted or not (method, path, status answered). */
  readonly requests: { method: string; path: string; status: number }[] = [];
  url = '';

  /** Answers one request, recording what it accepted through `record`. */
  protected abstract answer(method: string, path: string, body: string): Answer;

  protected record(entry: T): void {
    this.records.push(entry);
    this.events.emit('record', entry);
  }

  received(): T[] {
    return [...this.records];
  }

  /**
   * Stamps every record with `clock()` (e.g. the Temporal service clock) before the request
   * is answered, so the sender is still waiting while the time is read.
   */
  setClock(clock: (() => Promise<number>) | undefined): void {
    this.clock = clock;
  }

  /** Every record with the time `setClock`'s clock gave when it arrived (undefined without a clock). */
  receivedWithTimes(): { entry: T; at: number | undefined }[] {
    return this.records.map((entry, i) => ({ entry, at: this.times[i] }));
  }

  /** Resolves with the first record (already received or still to come) matching the predicate; rejects after timeoutMs. */
  waitFor(predicate: (entry: T) => boolean, timeoutMs = 5_000): Promise<T> {
    const found = this.records.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onRecord = (entry: T) => {
        if (!predicate(entry)) return;
        clearTimeout(timer);
        this.events.off('record', onRecord);
        resolve(entry);
      };
      const timer = setTimeout(() => {
        this.events.off('record', onRecord);
        reject(new Error(`${this.constructor.name}: nothing matching received within ${timeoutMs} ms (${this.records.length} received)`));
      }, timeoutMs);
      this.events.on('record', onRecord);
    });
  }

  setDown(outage: ReceiverOutage | false): void {
    this.outage = outage || undefined;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = `http://${host}:${await listen(server, port, host)}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    if (this.outage === 'reset') {
      req.socket.destroy();
      return;
    }
    let body = '';
    try {
      body = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    const before = this.records.length;
    const answer: Answer =
      this.outage === 'error' ? { status: 500, contentType: 'text/plain', body: 'internal_error' } : this.answer(method, path, body);
    if (this.clock && this.records.length > before) {
      const at = await this.clock().catch(() => undefined);
      for (let i = before; i < this.records.length; i++) this.times[i] = at;
    }
    this.requests.push({ method, path, status: answer.status });
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY_BYTES);
}

/** Parses a JSON object body; undefined when it is not one. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
