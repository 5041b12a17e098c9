/**
 * Once before the suite: the local test server bundled, so each test file's server starts
 * fast; and a fresh log where every test server of the run records a call it answered
 * UNIMPLEMENTED (test/global-teardown.ts fails the run when there is one).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestServerBundle } from '../local/temporal/test-server-bundle';

export default async function globalSetup(): Promise<void> {
  await buildTestServerBundle();
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-temporal-')), 'unimplemented.log');
  writeFileSync(log, '');
  process.env.LOCAL_TEMPORAL_UNIMPLEMENTED_LOG = log;
}
