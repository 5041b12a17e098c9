/**
 * Real faults made on the local MariaDB primary with admin SQL, each undone by
 * the function it returns:
 *   - withholdRadarSelect: the Radar reader loses SELECT on one table only. The
 *     table stays visible (a REFERENCES grant keeps it in information_schema with
 *     its columns), so a sync of it reaches MySQL and is refused there
 *     (ER_TABLEACCESS_DENIED_ERROR), while every other table reads as before.
 *   - refuseAcodePrimaryLogin: the ACODE user's password changes on the primary
 *     only (not binlogged, so the replica keeps its own), so new connections to
 *     the primary fail with ER_ACCESS_DENIED_ERROR. The new password is random
 *     and never leaves this function.
 */
import { randomBytes } from 'node:crypto';
import { ACODE_USER, LOCAL_PASSWORDS, RADAR_DATABASE, RADAR_USER, sqlString } from '../../local/mariadb/credentials';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import type { Stack } from '../helpers/stack-env';

const IDENTIFIER = /^[A-Za-z0-9_]+$/;
const radarReader = `'${RADAR_USER}'@'%'`;

function tableRef(table: string): string {
  if (!IDENTIFIER.test(table)) throw new Error(`source fault: not a table name: ${JSON.stringify(table)}`);
  return `\`${RADAR_DATABASE}\`.\`${table}\``;
}

/** Replaces the reader's database-wide SELECT by per-table grants on every Radar table but `table`. */
export async function withholdRadarSelect(stack: Stack, table: string): Promise<() => Promise<void>> {
  if (!RADAR_TABLE_NAMES.includes(table)) throw new Error(`source fault: ${table} is not a Radar table`);
  const others = RADAR_TABLE_NAMES.filter((t) => t !== table);
  await stack.pair.primary.withAdmin(async (conn) => {
    await conn.query(`REVOKE SELECT, SHOW VIEW ON \`${RADAR_DATABASE}\`.* FROM ${radarReader}`);
    for (const other of others) await conn.query(`GRANT SELECT ON ${tableRef(other)} TO ${radarReader}`);
    await conn.query(`GRANT REFERENCES ON ${tableRef(table)} TO ${radarReader}`);
  });
  return () =>
    stack.pair.primary.withAdmin(async (conn) => {
      await conn.query(`GRANT SELECT, SHOW VIEW ON \`${RADAR_DATABASE}\`.* TO ${radarReader}`);
      await conn.query(`REVOKE REFERENCES ON ${tableRef(table)} FROM ${radarReader}`);
      for (const other of others) await conn.query(`REVOKE SELECT ON ${tableRef(other)} FROM ${radarReader}`);
    });
}

async function setAcodePrimaryPassword(stack: Stack, password: string): Promise<void> {
  await stack.pair.primary.withAdmin(async (conn) => {
    await conn.query('SET SESSION sql_log_bin = 0');
    await conn.query(`ALTER USER '${ACODE_USER}'@'%' IDENTIFIED BY ${sqlString(password)}`);
  });
}

/** The primary stops accepting the ACODE user's configured password; the replica is untouched. */
export async function refuseAcodePrimaryLogin(stack: Stack): Promise<() => Promise<void>> {
  await setAcodePrimaryPassword(stack, `rotated-${randomBytes(12).toString('hex')}`);
  return () => setAcodePrimaryPassword(stack, LOCAL_PASSWORDS.ACODE_PASS);
}
