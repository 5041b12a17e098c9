/**
 * One start of Temporal's test server that loads the classes it serves with, then a
 * clean stop: run by engines/install.sh with -XX:ArchiveClassesAtExit, so the JVM writes
 * the class-data-sharing archive later starts map instead of loading each class.
 *
 *   tsx engines/warm-test-server.ts <launcher>
 */
import { Connection } from '@temporalio/client';
import { findFreePort } from '../local/mariadb/free-port';
import { spawnGroup, stopGroup } from './process-group';

async function main(launcher: string): Promise<void> {
  const port = await findFreePort();
  const server = spawnGroup(launcher, [String(port), '--enable-time-skipping'], { env: process.env });
  try {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 60_000 });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
  } finally {
    const exit = await stopGroup(server, 60_000);
    console.log(`test server stopped (${JSON.stringify(exit)}): ${server.output().slice(-500)}`);
  }
}

main(process.argv[2]).catch((err) => {
  console.error(`warming the test server failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
