import type { TimeSkipping } from './clock';
import { fail, portArg, serveUntilStopped } from './serve';
import { searchAttributesFromArgs } from './search-attribute-args';

const USAGE = 'usage: --port <n> [--http-port <n>] [--host <ip>] [--time-skipping | --enable-time-skipping] [--search-attribute Name=Type ...]';

/**
 * `tsx local/temporal/cli.ts --port 7233 [--time-skipping]`: runs the local service until
 * SIGINT/SIGTERM. Real time by default, as Temporal's dev server; `--time-skipping` is the
 * test server's mode (locked until a client unlocks it), `--enable-time-skipping` the test
 * server's flag (unlocked from the start).
 */
function parseArgs(args: string[]): { port: number; httpPort?: number; timeSkipping: TimeSkipping; host: string; searchAttributes: Record<string, number> } {
  // --search-attribute Name=Type, as Temporal's dev server takes it (registered at start).
  const { searchAttributes, rest: argv } = searchAttributesFromArgs(args);
  let port = 7233;
  let httpPort: number | undefined;
  let host = '127.0.0.1';
  let timeSkipping: TimeSkipping = 'off';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--time-skipping') timeSkipping = 'locked';
    else if (arg === '--enable-time-skipping') timeSkipping = 'unlocked';
    else if (arg === '--port') port = portArg(argv[++i], '--port');
    else if (arg === '--http-port') httpPort = portArg(argv[++i], '--http-port');
    else if (arg === '--host') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--host needs a value (${USAGE})`);
      host = value;
    } else throw new Error(`unknown argument "${arg}" (${USAGE})`);
  }
  return { port, httpPort, timeSkipping, host, searchAttributes };
}

try {
  serveUntilStopped(parseArgs(process.argv.slice(2)), false).catch(fail);
} catch (err) {
  fail(err);
}
