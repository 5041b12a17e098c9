/** After the suite: no call the SDK's client, worker or test environment made was answered UNIMPLEMENTED. */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const log = process.env.LOCAL_TEMPORAL_UNIMPLEMENTED_LOG;
  if (!log) return;
  const calls = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
  rmSync(path.dirname(log), { recursive: true, force: true });
  if (calls.length > 0) {
    const counts = [...new Set(calls)].map((method) => `${method} (${calls.filter((c) => c === method).length}x)`);
    throw new Error(`the local test server answered UNIMPLEMENTED to calls the SDK made: ${counts.join(', ')}`);
  }
}
