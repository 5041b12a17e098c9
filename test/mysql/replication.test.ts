import type { RowDataPacket } from 'mysql2/promise';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';

let env: MariaDbEnv;

beforeAll(async () => {
  env = await startMariaDbEnv({ fiscalRows: 300, radar: false });
});
afterAll(() => env?.close());

const countOn = (server: MariaDbEnv['pair']['primary'], sql: string) =>
  server.withAdmin(async (c) => Number((await c.query<RowDataPacket[]>(sql))[0][0].n));

test('the replica holds the loaded sample data', async () => {
  const sql = 'SELECT COUNT(*) AS n FROM acode_farmarcas.farmarcas_si_analitico_diario';
  expect(await countOn(env.pair.replica, sql)).toBe(300);
});

test('a row written on the primary appears on the replica', async () => {
  await env.pair.primary.withAdmin((c) =>
    c.query("INSERT INTO acode_farmarcas.farmarcas_si_analitico_diario (idpk, Fornecedor) VALUES (900001, 'Drogaria Pão de Açúcar')"),
  );
  await env.pair.waitForReplicaCatchUp(10_000);
  const [rows] = await env.pair.replica.withAdmin((c) =>
    c.query<RowDataPacket[]>('SELECT Fornecedor FROM acode_farmarcas.farmarcas_si_analitico_diario WHERE idpk = 900001'),
  );
  expect(rows[0]?.Fornecedor).toBe('Drogaria Pão de Açúcar');
});

test('the replica runs both threads after start', async () => {
  const status = await env.pair.replicaStatus();
  expect(status).toMatchObject({ ioRunning: 'Yes', sqlRunning: 'Yes' });
});
