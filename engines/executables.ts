/**
 * Where the real engines are: the executables engines/install.sh links from .engines/bin/,
 * or the ones named by an environment variable. A missing engine is an error that says
 * which one and how to install it.
 *
 *   engineExecutable('temporal')              the Temporal CLI (TEMPORAL_CLI overrides)
 *   engineExecutable('temporal-test-server')  Temporal's test server (TEMPORAL_TEST_SERVER overrides)
 *   engineExecutable('moto_server')           moto's S3 server (MOTO_SERVER overrides)
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const ENGINES_BIN = path.resolve(__dirname, '../.engines/bin');

const ENGINES = {
  temporal: { env: 'TEMPORAL_CLI', what: 'the Temporal CLI (temporal server start-dev)' },
  'temporal-test-server': { env: 'TEMPORAL_TEST_SERVER', what: "Temporal's time-skipping test server" },
  moto_server: { env: 'MOTO_SERVER', what: "moto's S3 server" },
} as const;

type EngineName = keyof typeof ENGINES;

export class EngineMissingError extends Error {
  constructor(readonly engine: EngineName, detail: string) {
    super(`${ENGINES[engine].what} is not installed: ${detail}; install the engines with \`engines/install.sh\` (or \`./quickstart.sh --install-only\`)`);
    this.name = 'EngineMissingError';
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function engineExecutable(engine: EngineName, env: NodeJS.ProcessEnv = process.env): string {
  const named = env[ENGINES[engine].env];
  if (named) {
    if (!executable(named)) throw new EngineMissingError(engine, `${ENGINES[engine].env}=${named} is not an executable`);
    return named;
  }
  const linked = path.join(ENGINES_BIN, engine);
  if (!executable(linked)) throw new EngineMissingError(engine, `${linked} not found`);
  return linked;
}
