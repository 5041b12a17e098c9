/**
 * Temporal's own dev server, `temporal server start-dev` of the Temporal CLI: the real
 * server (in memory), its HTTP API and Temporal's UI, each on a port of 127.0.0.1, in a process group of its own.
 *
 *   const temporal = await startTemporalDevServer({ uiPort: 8233 });
 *   temporal.address   127.0.0.1:<port> (gRPC)      temporal.uiUrl   http://127.0.0.1:<port>
 *   temporal.httpUrl   http://127.0.0.1:<port> (HTTP API)   temporal.version   'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)'
 *   await temporal.shutdown();
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findFreePort } from '../local/mariadb/free-port';
import { engineExecutable } from './executables';
import { spawnGroup, stopGroup } from './process-group';

export interface TemporalDevServerOptions {
  /** The UI's port; a free one when not given (or 0). The server's own ports are free ones. */
  uiPort?: number;
  /** Where the UI listens (default 127.0.0.1, as the server). */
  uiHost?: string;
}

export interface TemporalDevServer {
  address: string;
  httpUrl: string;
  uiUrl: string;
  /** What the CLI says of itself, e.g. `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`. */
  version: string;
  shutdown(): Promise<void>;
}

const run = promisify(execFile);
/** How long the server may take to answer its health check: generous, for a loaded machine. */
const START_TIMEOUT_MS = 60_000;

export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cli = engineExecutable('temporal');
  const version = (await run(cli, ['--version'])).stdout.trim();
  const [port, httpPort, uiPort, metricsPort] = await Promise.all([
    findFreePort(), findFreePort(), options.uiPort || findFreePort(), findFreePort(),
  ]);
  const args = [
    'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort),
    '--ui-port', String(uiPort), '--ui-ip', options.uiHost ?? '127.0.0.1', '--metrics-port', String(metricsPort), '--log-level', 'warn', '--log-format', 'json',
  ];
  const server = spawnGroup(cli, args);
  const address = `127.0.0.1:${port}`;
  try {
    await waitHealthy(cli, address, server, START_TIMEOUT_MS);
  } catch (err) {
    await stopGroup(server);
    throw err;
  }
  return {
    address,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    uiUrl: `http://${options.uiHost ?? '127.0.0.1'}:${uiPort}`,
    version,
    async shutdown() {
      await stopGroup(server);
    },
  };
}

/** Polls `temporal operator cluster health` until it answers SERVING, the server exits, or time runs out. */
async function waitHealthy(cli: string, address: string, server: ReturnType<typeof spawnGroup>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.done) throw new Error(`temporal server start-dev exited before it was healthy: ${server.output().slice(-2000)}`);
    try {
      const { stdout } = await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 10_000 });
      if (/SERVING/.test(stdout)) return;
      last = stdout;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`temporal server start-dev at ${address} was not healthy within ${timeoutMs} ms (${last.trim().slice(-300)}): ${server.output().slice(-2000)}`);
}
