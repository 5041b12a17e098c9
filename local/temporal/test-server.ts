import type { TimeSkipping } from './clock';
import { fail, portArg, serveUntilStopped } from './serve';

/**
 * The local service started the way the SDK starts Temporal's test server
 * (`TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type:
 * 'existing-path', path } } })`): `<port> [--enable-time-skipping]`, the port first, as
 * Temporal's test server takes it. Time is locked until a client unlocks it, unless
 * --enable-time-skipping is given.
 */
function parseArgs(argv: string[]): { port: number; timeSkipping: TimeSkipping } {
  const [port, ...flags] = argv;
  let timeSkipping: TimeSkipping = 'locked';
  for (const flag of flags) {
    if (flag === '--enable-time-skipping') timeSkipping = 'unlocked';
    else throw new Error(`unknown flag "${flag}" (usage: <port> [--enable-time-skipping])`);
  }
  return { port: portArg(port, 'the port (first argument)'), timeSkipping };
}

try {
  serveUntilStopped({ ...parseArgs(process.argv.slice(2)), host: '127.0.0.1' }, true).catch(fail);
} catch (err) {
  fail(err);
}
