/** Locates the MariaDB server binaries of the Debian mariadb-server package. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MariaDbBinaries {
  mariadbd: string;
  installDb: string;
  version: string;
}

const MISSING = 'mariadbd not found: apt-get install -y mariadb-server';

function locate(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Paths of mariadbd and mariadb-install-db in `dirs` (default: the Debian locations and PATH), or one line saying how to install them. */
export function locateMariaDbBinaries(dirs?: string[]): { mariadbd: string; installDb: string } {
  const search = dirs ?? ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  const mariadbd = locate('mariadbd', search);
  const installDb = locate('mariadb-install-db', search);
  if (!mariadbd || !installDb) throw new Error(MISSING);
  return { mariadbd, installDb };
}

let cached: Promise<MariaDbBinaries> | undefined;

/** Finds mariadbd and mariadb-install-db, or fails with one line telling how to install them. */
export function findMariaDbBinaries(): Promise<MariaDbBinaries> {
  cached ??= (async () => {
    const { mariadbd, installDb } = locateMariaDbBinaries();
    const { stdout } = await run(mariadbd, ['--version']);
    const version = /Ver\s+(\S+)/.exec(stdout)?.[1] ?? 'unknown';
    return { mariadbd, installDb, version };
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
