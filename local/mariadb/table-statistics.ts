/**
 * Rows a MariaDB server served from one table, by its own user statistics
 * (`userstat`, information_schema.TABLE_STATISTICS.ROWS_READ): what an
 * extraction really read, counted by the source rather than by the reader.
 */
import type { MariaDbServer } from './server-process';

/** Rows read from `table` since the last call (the first call turns the statistics on and starts the count). */
export async function rowsServedSinceLast(server: MariaDbServer, table: string): Promise<number> {
  return server.withAdmin(async (conn) => {
    await conn.query('SET GLOBAL userstat = 1');
    const [rows] = await conn.query('SELECT ROWS_READ AS n FROM information_schema.TABLE_STATISTICS WHERE TABLE_NAME = ?', [table]);
    await conn.query('FLUSH TABLE_STATISTICS');
    return Number((rows as { n: number }[])[0]?.n ?? 0);
  });
}
