import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
/** Where the launcher (bin/temporal-test-server) looks for the bundle (git-ignored); node_modules resolve from there. */
export const TEST_SERVER_BUNDLE = path.join(ROOT, '.local-data/temporal-test-server.cjs');

/**
 * Bundles test-server.ts and the service into one CommonJS file (npm packages stay
 * external), so the test server starts in about half the CPU time that tsx's loader
 * takes: the SDK gives a test server 5 s to answer, also on a loaded machine.
 */
export async function buildTestServerBundle(): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, 'local/temporal/test-server.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile: TEST_SERVER_BUNDLE,
    logLevel: 'warning',
  });
  return TEST_SERVER_BUNDLE;
}
