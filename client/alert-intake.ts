/**
 * The alert intake: `POST /alerts` takes an Alertmanager or DataDog webhook
 * and starts (or joins) the recovery each firing alert calls for.
 * 200 with what was started or ignored; 400 with one line for a payload it
 * cannot read (the sender should not retry); 503 when Temporal cannot be
 * reached (both senders retry on 5xx). `GET /healthz` answers 200.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { INVALID_INPUT } from '../config/failures';
import { AlertPayloadError } from './alert-mapping';
import { startRecoveriesForAlerts } from './alert-recovery';
import type { ClientSettings } from './connection';
import { BodyTooLargeError, readRequestBody } from '../http/http-server';

const MAX_BODY_BYTES = 1024 * 1024;

export interface AlertIntakeOptions {
  client: Client;
  settings: ClientSettings;
  /** Extra recovery input, e.g. { engine: 'airbyte' }. */
  recoveryInput?: Record<string, unknown>;
  log?: (line: string) => void;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY_BYTES).catch((err: unknown) => {
    if (!(err instanceof BodyTooLargeError)) throw err;
    req.destroy();
    throw new RequestError(413, `alert body larger than ${MAX_BODY_BYTES} bytes`);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createAlertIntake(options: AlertIntakeOptions): Server {
  const log = options.log ?? ((line: string) => console.log(line));
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (path !== '/alerts') return send(res, 404, { error: `no route ${req.method} ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST /alerts' });
    void (async () => {
      try {
        const text = await readBody(req);
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          throw new RequestError(400, 'alert body is not JSON');
        }
        const result = await startRecoveriesForAlerts(options.client, options.settings, payload, new Date(), options.recoveryInput);
        for (const r of result.recoveries) log(`alert intake: recovery ${r.workflowId} (run ${r.runId})`);
        send(res, 200, result);
      } catch (err) {
        if (err instanceof RequestError) return send(res, err.status, { error: err.message });
        const message = (err as Error).message?.split('\n')[0] ?? String(err);
        if (err instanceof AlertPayloadError || (err as { type?: string }).type === INVALID_INPUT) return send(res, 400, { error: message });
        log(`alert intake: could not start recovery: ${message}`);
        send(res, 503, { error: `could not start recovery: ${message}` });
      }
    })();
  });
}

/** Listens on the given port (0: a free one) and resolves with the port taken. */
