import { startLocalTemporal } from './server';

/** `tsx local/temporal/cli.ts --port 7233 [--time-skipping]`: runs the local service until SIGINT/SIGTERM. */
function parseArgs(argv: string[]): { port: number; timeSkipping: boolean; host: string } {
  let port = 7233;
  let host = '127.0.0.1';
  let timeSkipping = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--time-skipping') timeSkipping = true;
    else if (arg === '--port' || arg === '--host') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--host') host = value;
      else {
        port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got "${value}"`);
      }
    } else throw new Error(`unknown argument "${arg}" (usage: --port <n> [--host <ip>] [--time-skipping])`);
  }
  return { port, timeSkipping, host };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const service = await startLocalTemporal(options);
  process.stdout.write(`local temporal listening on ${service.address}${options.timeSkipping ? ' (time skipping)' : ''}\n`);
  const stop = () => {
    service.shutdown().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`local temporal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
