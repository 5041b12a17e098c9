import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { startMariaDbPair, type MariaDbPair } from '../../local/mariadb/pair';
import { ensureSampleData } from '../../local/sampledata/ensure-sample-data';

let baseDir: string;
let pair: MariaDbPair | undefined;

beforeAll(async () => {
  baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'farmarcas-kept-pair-'));
});
afterAll(async () => {
  await pair?.shutdown();
  await fs.rm(baseDir, { recursive: true, force: true });
});

const fiscalCount = async (p: MariaDbPair, server: 'primary' | 'replica') =>
  p[server].withAdmin(async (c) => {
    const [rows] = await c.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM acode_farmarcas.farmarcas_si_analitico_diario');
    return Number(rows[0].n);
  });

test('a pair in a chosen directory keeps its data and replication across a restart', async () => {
  pair = await startMariaDbPair({ baseDir });
  const first = await ensureSampleData(pair, { acode: { fiscalRows: 200 }, radar: { criticalRows: 10, otherRows: 1 } });
  expect(first).toMatchObject({ loaded: true, acodeRows: 200 });
  expect(first.radarTables).toBeGreaterThanOrEqual(80);
  await pair.shutdown();
  pair = undefined;
  expect((await fs.readdir(baseDir)).sort()).toEqual(['primary', 'replica']);

  pair = await startMariaDbPair({ baseDir });
  const second = await ensureSampleData(pair, { acode: { fiscalRows: 999 } });
  expect(second).toMatchObject({ loaded: false, acodeRows: 200 });
  await pair.primary.withAdmin((c) => c.query('INSERT INTO acode_farmarcas.farmarcas_si_analitico_diario (idpk) VALUES (700001)'));
  await pair.waitForReplicaCatchUp(15_000);
  expect(await fiscalCount(pair, 'replica')).toBe(201);
});
