/**
 * Binlog replication between the local primary and replica (GTID, slave_pos),
 * and the controls that produce real replication faults: stopped threads and
 * a delayed replica whose Seconds_Behind_Master grows for real.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { REPLICATION_PASSWORD, REPLICATION_USER, replicaCredentialSql, sqlString } from './credentials';
import type { MariaDbServer } from './server-process';

export interface ReplicaStatus {
  ioRunning: string;
  sqlRunning: string;
  secondsBehindMaster: number | null;
  lastIoError: string;
  lastSqlError: string;
  sqlDelay: number;
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readReplicaStatus(replica: MariaDbServer): Promise<ReplicaStatus | undefined> {
  return replica.withAdmin(async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>('SHOW SLAVE STATUS');
    const row = rows[0];
    if (!row) return undefined;
    const lag = row.Seconds_Behind_Master;
    return {
      ioRunning: String(row.Slave_IO_Running),
      sqlRunning: String(row.Slave_SQL_Running),
      secondsBehindMaster: lag === null || lag === undefined ? null : Number(lag),
      lastIoError: String(row.Last_IO_Error ?? ''),
      lastSqlError: String(row.Last_SQL_Error ?? ''),
      sqlDelay: Number(row.SQL_Delay ?? 0),
    };
  });
}

/** Points the replica at the primary and starts both replication threads. */
export async function configureReplication(primary: MariaDbServer, replica: MariaDbServer, timeoutMs = 30_000): Promise<void> {
  await replica.withAdmin(async (conn) => {
    await conn.query('SET SESSION sql_log_bin = 0');
    await conn.query(replicaCredentialSql());
    await conn.query('STOP SLAVE');
    await conn.query(
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, ` +
        `MASTER_USER=${sqlString(REPLICATION_USER)}, MASTER_PASSWORD=${sqlString(REPLICATION_PASSWORD)}, ` +
        'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1',
    );
    await conn.query('START SLAVE');
  });
  await waitForReplicaRunning(replica, timeoutMs);
}

export async function waitForReplicaRunning(replica: MariaDbServer, timeoutMs = 30_000): Promise<void> {
  await poll('the replica IO and SQL threads to run', timeoutMs, async () => {
    const s = await readReplicaStatus(replica);
    return s && s.ioRunning === 'Yes' && s.sqlRunning === 'Yes' ? true : undefined;
  });
}

/** Waits until the replica has applied every transaction the primary has binlogged so far. */
export async function waitForReplicaCatchUp(primary: MariaDbServer, replica: MariaDbServer, timeoutMs = 30_000): Promise<void> {
  const position = await primary.withAdmin(async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
    return String(rows[0].pos ?? '');
  });
  if (!position) return;
  const reached = await replica.withAdmin(async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT MASTER_GTID_WAIT(?, ?) AS r', [position, timeoutMs / 1000]);
    return Number(rows[0].r) === 0;
  });
  if (!reached) throw new Error(`replica did not reach primary GTID position ${position} within ${timeoutMs} ms`);
}

export type ReplicaThread = 'io' | 'sql' | 'all';

export async function stopReplicaThread(replica: MariaDbServer, thread: ReplicaThread): Promise<void> {
  const sql = { io: 'STOP SLAVE IO_THREAD', sql: 'STOP SLAVE SQL_THREAD', all: 'STOP SLAVE' }[thread];
  await replica.withAdmin((conn) => conn.query(sql));
}

export async function startReplicaThreads(replica: MariaDbServer, timeoutMs = 30_000): Promise<void> {
  await replica.withAdmin((conn) => conn.query('START SLAVE'));
  await waitForReplicaRunning(replica, timeoutMs);
}

/**
 * Makes the replica apply each event `seconds` after the primary wrote it
 * (MASTER_DELAY): while events wait, Seconds_Behind_Master is a real, growing lag.
 * 0 removes the delay.
 */
export async function setReplicaDelay(replica: MariaDbServer, seconds: number): Promise<void> {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`invalid replica delay ${seconds}: expected whole seconds >= 0`);
  await replica.withAdmin(async (conn) => {
    await conn.query('STOP SLAVE');
    await conn.query(`CHANGE MASTER TO MASTER_DELAY=${seconds}`);
    await conn.query('START SLAVE');
  });
  await waitForReplicaRunning(replica);
}

/**
 * Breaks replication the way a diverged replica does: a row written on the
 * replica alone, then the same key written on the primary, stops the SQL
 * thread with a duplicate-key error (Last_SQL_Error).
 */
export async function breakReplicationWithConflict(
  primary: MariaDbServer,
  replica: MariaDbServer,
  database: string,
  timeoutMs = 30_000,
): Promise<ReplicaStatus> {
  const table = `\`${database}\`.replication_conflict_probe`;
  await primary.withAdmin((conn) => conn.query(`CREATE TABLE IF NOT EXISTS ${table} (id INT PRIMARY KEY)`));
  await waitForReplicaCatchUp(primary, replica, timeoutMs);
  const id = Date.now() % 1_000_000_000;
  await replica.withAdmin(async (conn) => {
    await conn.query('SET SESSION sql_log_bin = 0');
    await conn.query(`INSERT INTO ${table} (id) VALUES (?)`, [id]);
  });
  await primary.withAdmin((conn) => conn.query(`INSERT INTO ${table} (id) VALUES (?)`, [id]));
  return poll('the replica SQL thread to stop on the conflict', timeoutMs, async () => {
    const s = await readReplicaStatus(replica);
    return s && s.sqlRunning !== 'Yes' && s.lastSqlError ? s : undefined;
  });
}
