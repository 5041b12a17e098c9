/**
 * One mariadbd process on 127.0.0.1 with its own data directory and port:
 * start, stop (graceful or a hard kill, the way a host dies), restart on the
 * same port and data directory, and admin connections for the local stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { findMariaDbBinaries } from './binaries';
import { ADMIN_PASSWORD_ENV, ADMIN_USER, LOCAL_PASSWORDS } from './credentials';
import { findFreePort } from './free-port';
import { copyTemplateDatadir, INNODB_LOG_FILE_SIZE } from './template-datadir';

export interface MariaDbServerOptions {
  /** primary or replica: used in file names and messages. */
  name: string;
  /** Directory holding this server's data, socket, pid and error log. */
  dir: string;
  serverId: number;
  /** Fixed port; default a free one found at start. */
  port?: number;
  /** InnoDB buffer pool, e.g. '256M' (default 128M). */
  bufferPoolSize?: string;
  /** How long to wait for the server to accept connections (default 30 s). */
  startTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function socketPath(dir: string, name: string): string {
  const preferred = path.join(dir, `${name}.sock`);
  // Unix socket paths are limited to 107 bytes.
  return preferred.length < 100 ? preferred : path.join(os.tmpdir(), `farmarcas-${name}-${process.pid}-${Date.now()}.sock`);
}

async function tail(file: string, lines = 3): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => /ERROR|error/.test(l)).slice(-lines).join(' | ') || 'no error logged';
}

export class MariaDbServer {
  port = 0;
  readonly datadir: string;
  readonly logFile: string;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private readonly socket: string;

  constructor(private readonly options: MariaDbServerOptions) {
    this.datadir = path.join(options.dir, 'data');
    this.logFile = path.join(options.dir, `${options.name}.err`);
    this.socket = socketPath(options.dir, options.name);
    this.port = options.port ?? 0;
  }

  get name(): string {
    return this.options.name;
  }

  private get tmpdir(): string {
    return path.join(this.options.dir, 'tmp');
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  private args(): string[] {
    const o = this.options;
    return [
      '--no-defaults',
      '--user=root',
      `--datadir=${this.datadir}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${this.socket}`,
      // its own temporary files beside its data, never in a /tmp other processes clean
      `--tmpdir=${this.tmpdir}`,
      `--pid-file=${path.join(o.dir, `${o.name}.pid`)}`,
      `--log-error=${this.logFile}`,
      `--server-id=${o.serverId}`,
      '--log-bin=binlog',
      '--relay-log=relay-bin',
      '--log-slave-updates',
      '--binlog-format=MIXED',
      `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
      `--innodb-buffer-pool-size=${o.bufferPoolSize ?? '128M'}`,
      '--innodb-flush-log-at-trx-commit=2',
      '--innodb-doublewrite=0',
      '--sync-binlog=0',
      '--skip-name-resolve',
      '--local-infile=1',
      '--max-allowed-packet=256M',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--default-time-zone=+00:00',
      '--performance-schema=OFF',
      '--slave-net-timeout=5',
      '--max-connections=300',
    ];
  }

  /** Starts the server (copying the template data directory the first time) and waits until it accepts logins. */
  async start(): Promise<void> {
    if (this.child) return;
    await fs.mkdir(this.options.dir, { recursive: true });
    await fs.mkdir(this.tmpdir, { recursive: true });
    if (!existsSync(this.datadir)) await copyTemplateDatadir(this.datadir);
    const { mariadbd } = await findMariaDbBinaries();
    const fixedPort = this.options.port !== undefined || this.port !== 0;
    for (let attempt = 1; ; attempt++) {
      if (!fixedPort) this.port = await findFreePort();
      const logStart = (await fs.stat(this.logFile).catch(() => undefined))?.size ?? 0;
      const child = spawn(mariadbd, this.args(), { stdio: 'ignore', env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
      this.child = child;
      running.add(child);
      this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      this.exited.then(() => {
        running.delete(child);
        if (this.child === child) this.child = undefined;
      });
      try {
        await this.waitUntilReady();
        return;
      } catch (err) {
        const log = (await fs.readFile(this.logFile, 'utf8').catch(() => '')).slice(logStart);
        await this.stop('SIGKILL');
        if (!fixedPort && attempt < 4 && /already in use|Can't start server/.test(log)) continue;
        throw err;
      }
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    const child = this.child;
    let exitCode: number | null | undefined;
    this.exited?.then((code) => (exitCode = code));
    for (;;) {
      if (exitCode !== undefined || this.child !== child) {
        throw new Error(`mariadbd ${this.name} exited during start (code ${exitCode}): ${await tail(this.logFile)}`);
      }
      try {
        const conn = await this.adminConnection(2_000);
        await conn.end();
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`mariadbd ${this.name} did not accept connections on 127.0.0.1:${this.port} within the start timeout: ${await tail(this.logFile)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** SIGKILL: the process dies as a crashed host would (InnoDB recovers at the next start). SIGTERM: clean shutdown. */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** A connection as the local admin user (all privileges). */
  adminConnection(connectTimeout = 10_000, database?: string): Promise<Connection> {
    return createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: ADMIN_USER,
      password: LOCAL_PASSWORDS[ADMIN_PASSWORD_ENV],
      database,
      connectTimeout,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements: false,
    });
  }

  /** Runs `fn` on a fresh admin connection and closes it. */
  async withAdmin<T>(fn: (conn: Connection) => Promise<T>, database?: string): Promise<T> {
    const conn = await this.adminConnection(10_000, database);
    try {
      return await fn(conn);
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  }
}
