import { startLocalTemporal, type LocalTemporalOptions } from './server';

/**
 * Runs the service as a process: prints where it listens (a test server, like Temporal's, prints nothing), stops on SIGINT/SIGTERM, and
 * stops by itself when the process that started it is gone (the SDK's test environment
 * ends its test server with SIGKILL to the server alone, and a killed test runner ends
 * nothing; an orphan is noticed within a second).
 */
export async function serveUntilStopped(options: LocalTemporalOptions, asTestServer: boolean): Promise<void> {
  const service = await startLocalTemporal(options);
  const watchParent = asTestServer;
  const mode = options.timeSkipping && options.timeSkipping !== 'off' ? ` (time skipping, ${options.timeSkipping})` : '';
  if (!asTestServer) process.stdout.write(`local temporal listening on ${service.address}${mode}${service.httpUrl ? `, HTTP API at ${service.httpUrl}` : ''}\n`);
  const stop = () => {
    service.shutdown().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (watchParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 1000).unref();
  }
}

export function fail(err: unknown): never {
  process.stderr.write(`local temporal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

export function portArg(value: string | undefined, name: string): number {
  const port = Number(value);
  if (value === undefined || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be an integer 0-65535, got "${value}"`);
  return port;
}
