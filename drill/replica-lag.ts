/**
 * Making the ACODE replica fall behind for real: MASTER_DELAY holds its SQL
 * thread back, and rows written on the primary with a session timestamp in the
 * past carry that time in the binlog, so Seconds_Behind_Master reads the lag
 * they would have built up (MariaDB measures it against the event's timestamp).
 * The rows stay in the replica's relay log, not applied, for the drill's length.
 */
import { ACODE_DATABASE } from '../local/mariadb/credentials';
import { ACODE_FISCAL_COLUMNS, ACODE_FISCAL_TABLE } from '../config/pipelines';
import type { Stack } from '../test/helpers/stack-env';
import { pollUntil } from '../test/scenarios/poll-until';

/** Writes `rows` late fiscal rows (copies of existing ones under new keys) that the replica receives and holds back. */
export async function lagReplica(stack: Stack, lagSeconds: number, rows: number): Promise<{ lateKeys: number; secondsBehind: number }> {
  await stack.pair.delayReplica(lagSeconds * 6);
  const columns = ACODE_FISCAL_COLUMNS.map((c) => `\`${c.name}\``);
  const values = ACODE_FISCAL_COLUMNS.map((c) => (c.name === 'idpk' ? '`idpk` + 100000000' : `\`${c.name}\``));
  const table = `\`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\``;
  await stack.pair.primary.withAdmin(async (conn) => {
    await conn.query(`SET TIMESTAMP = UNIX_TIMESTAMP() - ${lagSeconds}`);
    await conn.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${table} ORDER BY idpk LIMIT ${rows}`);
    await conn.query('SET TIMESTAMP = DEFAULT');
  });
  const status = await pollUntil('the replica to fall behind', async () => {
    const s = await stack.pair.replicaStatus();
    return s && s.secondsBehindMaster !== null && s.secondsBehindMaster >= lagSeconds ? s : undefined;
  }, 30_000, 100);
  return { lateKeys: rows, secondsBehind: status.secondsBehindMaster ?? 0 };
}
