/**
 * Real faults made on the local MariaDB primary with admin SQL, each undone by
 * the function it returns:
 *   - withholdRadarSelect: the Radar reader loses SELECT on one table only. The
 *     table stays visible (a REFERENCES grant keeps it in information_schema with
 *     its columns), so a sync of it reaches MySQL and is refused there
 *     (ER_TABLEACCESS_DENIED_ERROR), while every other table reads as before.
 *     Needs grantRadarSelectPerTable first (a database-wide grant cannot lose one table).
 *   - renameAcodeColumn: a column of an ACODE table renamed on the primary (the
 *     replica follows through replication), as a source schema change does.
 *   - refuseAcodePrimaryLogin: the ACODE user's password changes on the primary
 *     only (not binlogged, so the replica keeps its own), so new connections to
 *     the primary fail with ER_ACCESS_DENIED_ERROR. The new password is random
 *     and never leaves this function.
 */
import { randomBytes } from 'node:crypto';
import { ACODE_DATABASE, ACODE_USER, LOCAL_PASSWORDS, RADAR_DATABASE, RADAR_USER, sqlString } from '../../local/mariadb/credentials';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import type { Stack } from '../helpers/stack-env';
import { isIdentifier } from '../../config/identifiers';

const radarReader = `'${RADAR_USER}'@'%'`;

function identifier(name: string): string {
  if (!isIdentifier(name)) throw new Error(`source fault: not an identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

function tableRef(table: string, database = RADAR_DATABASE): string {
  return `${identifier(database)}.${identifier(table)}`;
}

/**
 * Turns the Radar reader's database-wide grant into the same grant on each table,
 * as a least-privilege reader holds it. Call it before the first Radar query:
 * MariaDB applies a database-level change to an open connection only at its next
 * USE, while table-level changes apply at the next statement, so from here on
 * withholdRadarSelect takes effect on the pooled connections at once.
 */
export async function grantRadarSelectPerTable(stack: Stack): Promise<void> {
  await stack.pair.primary.withAdmin(async (conn) => {
    for (const table of RADAR_TABLE_NAMES) await conn.query(`GRANT SELECT, SHOW VIEW ON ${tableRef(table)} TO ${radarReader}`);
    await conn.query(`REVOKE SELECT, SHOW VIEW ON \`${RADAR_DATABASE}\`.* FROM ${radarReader}`);
  });
}

/** The reader loses SELECT on `table` (grantRadarSelectPerTable first); REFERENCES keeps the table and its columns listed. */
export async function withholdRadarSelect(stack: Stack, table: string): Promise<() => Promise<void>> {
  if (!RADAR_TABLE_NAMES.includes(table)) throw new Error(`source fault: ${table} is not a Radar table`);
  await stack.pair.primary.withAdmin(async (conn) => {
    await conn.query(`GRANT REFERENCES ON ${tableRef(table)} TO ${radarReader}`);
    await conn.query(`REVOKE SELECT ON ${tableRef(table)} FROM ${radarReader}`);
  });
  return () =>
    stack.pair.primary.withAdmin(async (conn) => {
      await conn.query(`GRANT SELECT ON ${tableRef(table)} TO ${radarReader}`);
      await conn.query(`REVOKE REFERENCES ON ${tableRef(table)} FROM ${radarReader}`);
    });
}

/** Renames `column` of an ACODE table to `newName`; the returned function renames it back. */
export async function renameAcodeColumn(stack: Stack, table: string, column: string, newName: string): Promise<() => Promise<void>> {
  const rename = (from: string, to: string) =>
    stack.pair.primary.withAdmin(async (conn) => {
      await conn.query(`ALTER TABLE ${tableRef(table, ACODE_DATABASE)} RENAME COLUMN ${identifier(from)} TO ${identifier(to)}`);
    });
  await rename(column, newName);
  return () => rename(newName, column);
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
