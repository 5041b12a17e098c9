import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findMariaDbBinaries, locateMariaDbBinaries } from '../../local/mariadb/binaries';

test('a machine without mariadbd gets one line telling how to install it', async () => {
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'farmarcas-no-mariadb-'));
  try {
    expect(() => locateMariaDbBinaries([empty])).toThrow(/^mariadbd not found: apt-get install -y mariadb-server$/);
  } finally {
    await fs.rm(empty, { recursive: true, force: true });
  }
});

test('this machine has mariadbd and reports its version', async () => {
  const found = await findMariaDbBinaries();
  expect(path.basename(found.mariadbd)).toBe('mariadbd');
  expect(found.version).toMatch(/^\d+\.\d+\.\d+/);
});
