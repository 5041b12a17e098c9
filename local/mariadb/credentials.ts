/**
 * Users and sample passwords of the local MariaDB pair, kept in this one place.
 * The passwords are local-only samples; they reach the servers through the
 * bootstrap SQL on stdin and the project through environment variables named
 * after the sources (ACODE_PASS, ACODE_BACKUP_PASS, RADAR_PASS), never through
 * command-line arguments or logs.
 */

export const ACODE_DATABASE = 'acode_farmarcas';
export const RADAR_DATABASE = 'radar';

/** Administrative user the local stack uses to load data and drive replication. */
export const ADMIN_USER = 'farmarcas_admin';
export const ADMIN_PASSWORD_ENV = 'LOCAL_MARIADB_ADMIN_PASS';

/** User the replica's IO thread logs in with. */
export const REPLICATION_USER = 'farmarcas_repl';

export const ACODE_USER = 'userfarmarcasac02';
export const RADAR_USER = 'bi-cognitivo-read';

/** Sample passwords, by the environment variable that carries them. */
export const LOCAL_PASSWORDS = {
  ACODE_PASS: 'acode-local-7Hq2Lm9x',
  ACODE_BACKUP_PASS: 'acode-backup-local-Q4v8Rt1z',
  RADAR_PASS: 'radar-local-K3p6Wn5s',
  [ADMIN_PASSWORD_ENV]: 'admin-local-Z8c1Yb4d',
} as const;

export const REPLICATION_PASSWORD = 'repl-local-M2f7Xk3j';

export type LocalPasswordEnv = keyof typeof LOCAL_PASSWORDS;

/** SQL string literal for a password (sample passwords hold no quotes, this keeps it safe anyway). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Users created in the template data directory (not binlogged, so primary and
 * replica each hold them). The replica then gets ACODE_BACKUP_PASS for the
 * ACODE user, see replicaCredentialSql.
 */
export function bootstrapSql(): string {
  const p = LOCAL_PASSWORDS;
  return [
    'FLUSH PRIVILEGES;',
    `CREATE USER '${ADMIN_USER}'@'%' IDENTIFIED BY ${sqlString(p[ADMIN_PASSWORD_ENV])};`,
    `GRANT ALL PRIVILEGES ON *.* TO '${ADMIN_USER}'@'%' WITH GRANT OPTION;`,
    `CREATE USER '${REPLICATION_USER}'@'%' IDENTIFIED BY ${sqlString(REPLICATION_PASSWORD)};`,
    `GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION_USER}'@'%';`,
    `CREATE USER '${ACODE_USER}'@'%' IDENTIFIED BY ${sqlString(p.ACODE_PASS)};`,
    `GRANT SELECT, SHOW VIEW ON \`${ACODE_DATABASE}\`.* TO '${ACODE_USER}'@'%';`,
    `GRANT REPLICA MONITOR, BINLOG MONITOR ON *.* TO '${ACODE_USER}'@'%';`,
    `CREATE USER '${RADAR_USER}'@'%' IDENTIFIED BY ${sqlString(p.RADAR_PASS)};`,
    `GRANT SELECT, SHOW VIEW ON \`${RADAR_DATABASE}\`.* TO '${RADAR_USER}'@'%';`,
    `GRANT REPLICA MONITOR, BINLOG MONITOR ON *.* TO '${RADAR_USER}'@'%';`,
    '',
  ].join('\n');
}

/** Run on the replica with sql_log_bin=0: the backup source has its own password. */
export function replicaCredentialSql(): string {
  return `ALTER USER '${ACODE_USER}'@'%' IDENTIFIED BY ${sqlString(LOCAL_PASSWORDS.ACODE_BACKUP_PASS)}`;
}
