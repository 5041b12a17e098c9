import { appendFileSync } from 'node:fs';

/**
 * LOCAL_TEMPORAL_UNIMPLEMENTED_LOG names a file that gets one line per call answered
 * UNIMPLEMENTED (the test suite checks it stays empty); undefined when it is not set.
 */
export function unimplementedLogger(env: NodeJS.ProcessEnv = process.env): ((method: string) => void) | undefined {
  const file = env.LOCAL_TEMPORAL_UNIMPLEMENTED_LOG;
  return file ? (method: string) => appendFileSync(file, `${method}\n`) : undefined;
}
