import { createReadStream, existsSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readHttpCall, writeAnswer, type HttpApi } from '../temporal/http-api';
import { errorAnswer } from '../temporal/http-errors';
import { uiSettings } from './settings';

/**
 * Serves Temporal's UI as temporalio/ui's server does: the built app's files (index.html for
 * any other path, the app routes in the browser), its own `/api/v1/settings`, and every other
 * `/api/v1` call answered in-process by the local service's HTTP API — without the payload
 * shorthand, as the UI's grpc-gateway writes payloads (`{metadata, data}` in base64).
 */
export interface UiServerOptions {
  /** The static build (index.html and _app/); undefined while there is none (the page says why). */
  buildDir: () => string | undefined;
  /** Why there is no build, shown on every page while there is none. */
  missingReason: () => string;
  api: HttpApi;
  namespace: string;
  host: string;
  port: number;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain',
};

function serveFile(res: http.ServerResponse, file: string): void {
  const immutable = file.includes(`${path.sep}immutable${path.sep}`);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, options: UiServerOptions): void {
  const dir = options.buildDir();
  if (!dir) {
    const text = `<!doctype html><title>Temporal UI</title><p>No Temporal UI here: ${options.missingReason().replace(/</g, '&lt;')}</p>`;
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '30' });
    res.end(text);
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://ui').pathname);
  } catch {
    pathname = '/';
  }
  const file = path.join(dir, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
  const inside = file.startsWith(dir + path.sep);
  if (inside && existsSync(file) && statSync(file).isFile()) serveFile(res, file);
  else serveFile(res, path.join(dir, 'index.html'));
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const settings = JSON.stringify(uiSettings({ defaultNamespace: options.namespace }));
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/api/v1/settings' || url.startsWith('/api/v1/settings?')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(settings);
      return;
    }
    if (url.startsWith('/api/v1/')) {
      readHttpCall(req, res, true)
        .then(async (call) => writeAnswer(res, await options.api.call(call), false))
        .catch((err: unknown) => writeAnswer(res, errorAnswer(err, 'UI', { shorthand: false }), false));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(req, res, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
