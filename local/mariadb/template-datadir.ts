/**
 * One initialised data directory per machine (system tables and the local
 * users), built once and copied for every server: a copy takes milliseconds,
 * an initialisation a second.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findMariaDbBinaries } from './binaries';
import { bootstrapSql } from './credentials';

const run = promisify(execFile);
const READY_MARKER = 'farmarcas-template.ready';

/** InnoDB settings shared by the template and every server started from it. */
export const INNODB_LOG_FILE_SIZE = '16M';

function bootstrap(mariadbd: string, datadir: string, sql: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      mariadbd,
      ['--no-defaults', '--bootstrap', `--datadir=${datadir}`, '--user=root', `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`, `--log-error=${logFile}`],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`mariadbd --bootstrap failed with exit code ${code}; see ${logFile}`)),
    );
    child.stdin.end(sql);
  });
}

async function buildTemplate(target: string): Promise<void> {
  const { mariadbd, installDb } = await findMariaDbBinaries();
  const building = `${target}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  const datadir = path.join(building, 'data');
  await fs.mkdir(building, { recursive: true });
  try {
    await run(installDb, [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
    ]).catch((err: { stderr?: string }) => {
      throw new Error(`mariadb-install-db failed: ${String(err.stderr ?? err).split('\n').filter(Boolean).pop()}`);
    });
    await bootstrap(mariadbd, datadir, bootstrapSql(), path.join(building, 'bootstrap.log'));
    await fs.writeFile(path.join(building, READY_MARKER), new Date().toISOString());
    try {
      await fs.rename(building, target);
    } catch (err) {
      // Another process finished first: its template is as good as ours.
      if (!existsSync(path.join(target, READY_MARKER))) throw err;
    }
  } finally {
    await fs.rm(building, { recursive: true, force: true });
  }
}

let pending: Promise<string> | undefined;

/** Path of the template data directory, building it the first time. */
export function ensureTemplateDatadir(): Promise<string> {
  pending ??= (async () => {
    const { version } = await findMariaDbBinaries();
    const hash = createHash('sha256').update(bootstrapSql()).update(INNODB_LOG_FILE_SIZE).digest('hex').slice(0, 12);
    const target = path.join(os.tmpdir(), `farmarcas-mariadb-template-${version}-${hash}`);
    if (!existsSync(path.join(target, READY_MARKER))) await buildTemplate(target);
    return path.join(target, 'data');
  })();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}

/** Copies the template into `datadir` (which must not exist yet). */
export async function copyTemplateDatadir(datadir: string): Promise<void> {
  const template = await ensureTemplateDatadir();
  await fs.cp(template, datadir, { recursive: true, errorOnExist: true, force: false });
}
