/**
 * `node dist/local/airbyte/cli.js --port 8000 [--host 0.0.0.0]`: the Airbyte API simulator
 * for a demo stack, its jobs running the direct engine against the configured MySQL and S3
 * (the same environment variables as the worker: AIRBYTE_WORKSPACE_ID is its workspace's
 * id, and AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET or AIRBYTE_USERNAME/AIRBYTE_PASSWORD the
 * credentials it asks for).
 */
import { parseArgs } from 'node:util';
import { createMysqlSources } from '../../activities/mysql/mysql-sources';
import { airbyteCredentials, bucketNames, loadEnvConfig, sourceEndpoints } from '../../config/env';
import type { SimulatedAuthConfig } from './auth';
import { s3ClientFor } from '../../worker/worker';
import { startDirectAirbyteSimulator } from './direct-simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8000' }, host: { type: 'string', default: '0.0.0.0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got "${values.port}"`);
  const config = loadEnvConfig();
  const sources = createMysqlSources(sourceEndpoints(config));
  // The same variables as the worker's: the simulator asks for the credentials the worker presents.
  const credentials = airbyteCredentials();
  const auth: SimulatedAuthConfig =
    credentials.kind === 'client_credentials'
      ? { mode: 'client_credentials', clientId: credentials.clientId, clientSecret: credentials.clientSecret }
      : credentials.kind === 'basic'
        ? { mode: 'basic', username: credentials.username, password: credentials.password }
        : { mode: 'none' };
  const simulator = await startDirectAirbyteSimulator({
    sources,
    s3: s3ClientFor(config),
    buckets: bucketNames(config),
    port,
    host: values.host,
    auth,
    workspaceId: config.AIRBYTE_WORKSPACE_ID,
  });
  process.stdout.write(`Airbyte API simulator listening on ${simulator.url} (workspace ${simulator.registry.workspace.workspaceId}, auth ${auth.mode})\n`);
  const stop = () => {
    Promise.all([simulator.close(), sources.close()]).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Airbyte simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
