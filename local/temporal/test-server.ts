import type { TimeSkipping } from './clock';
import { fail, portArg, serveUntilStopped } from './serve';
import { searchAttributesFromArgs } from './search-attribute-args';
import { unimplementedLogger } from './unimplemented-log';

/**
 * The local service started the way the SDK starts Temporal's test server
 * (`TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type:
 * 'existing-path', path } } })`): `<port> [--enable-time-skipping] [--search-attribute Name=Type]…`,
 * the port first, as Temporal's test server takes it, and the search attributes the SDK
 * passes for `server.searchAttributes`. Time is locked until a client unlocks it, unless
 * --enable-time-skipping is given.
 */
function parseArgs(args: string[]): { port: number; timeSkipping: TimeSkipping; searchAttributes: Record<string, number> } {
  const { searchAttributes, rest } = searchAttributesFromArgs(args);
  const [port, ...flags] = rest;
  let timeSkipping: TimeSkipping = 'locked';
  for (const flag of flags) {
    if (flag === '--enable-time-skipping') timeSkipping = 'unlocked';
    else throw new Error(`unknown flag "${flag}" (usage: <port> [--enable-time-skipping] [--search-attribute Name=Type]…)`);
  }
  return { port: portArg(port, 'the port (first argument)'), timeSkipping, searchAttributes };
}

const onUnimplemented = unimplementedLogger();

try {
  serveUntilStopped({ ...parseArgs(process.argv.slice(2)), host: '127.0.0.1', onUnimplemented }, true).catch(fail);
} catch (err) {
  fail(err);
}
