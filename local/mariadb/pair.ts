/**
 * A MariaDB primary and its replica on 127.0.0.1, with real binlog replication,
 * serving ACODE (`acode_farmarcas`, primary and backup) and Radar (`radar`).
 * Tests start one in a temp directory and throw it away; the main job starts
 * one in a chosen directory with keepData and finds its data there next time.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SourceEndpoint } from '../../config/sources';
import { ACODE_DATABASE, ACODE_USER, LOCAL_PASSWORDS, RADAR_DATABASE, RADAR_USER } from './credentials';
import {
  breakReplicationWithConflict,
  configureReplication,
  readReplicaStatus,
  setReplicaDelay,
  startReplicaThreads,
  stopReplicaThread,
  waitForReplicaCatchUp,
  type ReplicaStatus,
} from './replication';
import { MariaDbServer } from './server-process';

export interface MariaDbPairOptions {
  /** Where both servers keep their files; default a fresh temp directory. */
  baseDir?: string;
  /** Keep the files at shutdown (and shut down cleanly). Default: true when baseDir is given. */
  keepData?: boolean;
  primaryPort?: number;
  replicaPort?: number;
  /** InnoDB buffer pool per server, e.g. '512M' for benchmarks. */
  bufferPoolSize?: string;
}

export interface MariaDbPairEndpoints {
  acode: { primary: SourceEndpoint; backup: SourceEndpoint };
  radar: { primary: SourceEndpoint };
}

export interface MariaDbPair {
  baseDir: string;
  primary: MariaDbServer;
  replica: MariaDbServer;
  /** Where the project's sources point (SourceEndpoints shape); passwords by env-var name only. */
  endpoints: MariaDbPairEndpoints;
  /** The sample passwords by environment variable name (ACODE_PASS, ACODE_BACKUP_PASS, RADAR_PASS, ...). Never print these. */
  credentialsEnv(): Record<string, string>;
  /** Copies credentialsEnv() into `env` (default process.env). */
  applyCredentials(env?: NodeJS.ProcessEnv): void;
  /** Kills the primary process as a crashed host would; its port and data directory stay reserved. */
  stopPrimary(options?: { graceful?: boolean }): Promise<void>;
  /** Restarts the primary on the same port and data directory (crash recovery included). */
  startPrimary(): Promise<void>;
  stopReplicaSqlThread(): Promise<void>;
  stopReplicaIoThread(): Promise<void>;
  startReplica(): Promise<void>;
  /** MASTER_DELAY on the replica: events apply `seconds` late, so Seconds_Behind_Master grows for real. 0 removes it. */
  delayReplica(seconds: number): Promise<void>;
  /** A duplicate-key conflict that stops the replica's SQL thread with an error. */
  breakReplication(): Promise<ReplicaStatus>;
  replicaStatus(): Promise<ReplicaStatus | undefined>;
  waitForReplicaCatchUp(timeoutMs?: number): Promise<void>;
  shutdown(): Promise<void>;
}

function endpoint(port: number, user: string, database: string, passwordEnv: string): SourceEndpoint {
  return { host: '127.0.0.1', port, user, database, passwordEnv, sslMode: 'disabled' };
}

export async function startMariaDbPair(options: MariaDbPairOptions = {}): Promise<MariaDbPair> {
  const baseDir = options.baseDir
    ? path.resolve(options.baseDir)
    : await fs.mkdtemp(path.join(os.tmpdir(), 'farmarcas-mariadb-'));
  const keepData = options.keepData ?? options.baseDir !== undefined;
  const primary = new MariaDbServer({
    name: 'primary',
    dir: path.join(baseDir, 'primary'),
    serverId: 1,
    port: options.primaryPort,
    bufferPoolSize: options.bufferPoolSize,
  });
  const replica = new MariaDbServer({
    name: 'replica',
    dir: path.join(baseDir, 'replica'),
    serverId: 2,
    port: options.replicaPort,
    bufferPoolSize: options.bufferPoolSize,
  });

  const shutdown = async () => {
    const signal = keepData ? 'SIGTERM' : 'SIGKILL';
    await Promise.all([replica.stop(signal), primary.stop(signal)]);
    if (!keepData) await fs.rm(baseDir, { recursive: true, force: true });
  };

  try {
    await Promise.all([primary.start(), replica.start()]);
    // On a kept pair this re-points the replica at the primary's port of this run; GTID (slave_pos) keeps its position.
    await configureReplication(primary, replica);
    await primary.withAdmin(async (conn) => {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${ACODE_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${RADAR_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    });
    await waitForReplicaCatchUp(primary, replica);
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }

  const credentialsEnv = () => ({ ...LOCAL_PASSWORDS }) as Record<string, string>;
  return {
    baseDir,
    primary,
    replica,
    get endpoints(): MariaDbPairEndpoints {
      return {
        acode: {
          primary: endpoint(primary.port, ACODE_USER, ACODE_DATABASE, 'ACODE_PASS'),
          backup: endpoint(replica.port, ACODE_USER, ACODE_DATABASE, 'ACODE_BACKUP_PASS'),
        },
        radar: { primary: endpoint(primary.port, RADAR_USER, RADAR_DATABASE, 'RADAR_PASS') },
      };
    },
    credentialsEnv,
    applyCredentials(env = process.env) {
      Object.assign(env, credentialsEnv());
    },
    stopPrimary: (o) => primary.stop(o?.graceful ? 'SIGTERM' : 'SIGKILL'),
    startPrimary: () => primary.start(),
    stopReplicaSqlThread: () => stopReplicaThread(replica, 'sql'),
    stopReplicaIoThread: () => stopReplicaThread(replica, 'io'),
    startReplica: () => startReplicaThreads(replica),
    delayReplica: (seconds) => setReplicaDelay(replica, seconds),
    breakReplication: () => breakReplicationWithConflict(primary, replica, ACODE_DATABASE),
    replicaStatus: () => readReplicaStatus(replica),
    waitForReplicaCatchUp: (timeoutMs) => waitForReplicaCatchUp(primary, replica, timeoutMs),
    shutdown,
  };
}
