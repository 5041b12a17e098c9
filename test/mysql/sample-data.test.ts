import type { RowDataPacket } from 'mysql2/promise';
import { ACODE_COMPLEMENT_TABLE, ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE, RADAR_CRITICAL_TABLES } from '../../config/pipelines';
import { RADAR_STREAMS } from '../../config/radar-tables';
import { fiscalRows, planAcodeSample } from '../../local/sampledata/acode-rows';
import { formatCnpj, isValidCnpj, isValidEan13, isValidNfeKey } from '../../local/sampledata/brazilian-codes';
import { radarColumns } from '../../local/sampledata/radar-schema';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';

let env: MariaDbEnv;
const referenceTime = new Date(Date.UTC(2025, 7, 7, 4, 30, 0));

beforeAll(async () => {
  env = await startMariaDbEnv({ fiscalRows: 3000, missingEans: 4, referenceTime, radarCriticalRows: 40 });
});
afterAll(() => env?.close());

async function rows(sql: string, system: 'acode' | 'radar' = 'acode'): Promise<RowDataPacket[]> {
  const [result] = await env.sources.pool({ system, role: 'primary' }).query<RowDataPacket[]>(sql);
  return result;
}

test('check-digit functions accept known valid codes and reject altered ones', () => {
  expect(isValidCnpj('11.222.333/0001-81')).toBe(true);
  expect(isValidCnpj('11.222.333/0001-82')).toBe(false);
  expect(formatCnpj('11222333')).toBe('11.222.333/0001-81');
  expect(isValidEan13('4006381333931')).toBe(true);
  expect(isValidEan13('4006381333932')).toBe(false);
});

test('every CNPJ of the fiscal table has valid check digits', async () => {
  const found = await rows(`SELECT CNPJ AS c FROM ${ACODE_FISCAL_TABLE} WHERE CNPJ IS NOT NULL UNION SELECT CNPJ_Fornecedor FROM ${ACODE_FISCAL_TABLE} WHERE CNPJ_Fornecedor IS NOT NULL`);
  expect(found.length).toBeGreaterThan(10);
  expect(found.filter((r) => !isValidCnpj(r.c))).toEqual([]);
  expect(found.every((r) => /^\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}$/.test(r.c))).toBe(true);
});

test('every EAN has a valid check digit, and exactly the planned EANs are missing from the products table', async () => {
  const eans = await rows(`SELECT DISTINCT EAN AS e FROM ${ACODE_FISCAL_TABLE} WHERE EAN IS NOT NULL UNION SELECT EAN FROM ${ACODE_PRODUCTS_TABLE}`);
  expect(eans.filter((r) => !isValidEan13(r.e))).toEqual([]);
  const missing = await rows(
    `SELECT f.EAN AS e FROM ${ACODE_FISCAL_TABLE} f LEFT JOIN ${ACODE_PRODUCTS_TABLE} p ON p.EAN = f.EAN WHERE f.EAN IS NOT NULL AND p.idpk IS NULL`,
  );
  expect(missing.map((r) => r.e).sort()).toEqual([...env.acode.missingEans].sort());
  expect(missing).toHaveLength(4);
});

test('NF-e access keys are 44 digits with a valid check digit, and the XML is long', async () => {
  const keys = await rows(`SELECT NF_Chave AS k, CHAR_LENGTH(XML_Complemento) AS len FROM ${ACODE_COMPLEMENT_TABLE}`);
  expect(keys).toHaveLength(1500);
  expect(keys.filter((r) => !isValidNfeKey(r.k))).toEqual([]);
  expect(Math.max(...keys.map((r) => Number(r.len)))).toBeGreaterThan(800);
});

test('non-ASCII supplier names round-trip', async () => {
  const names = (await rows(`SELECT DISTINCT Fornecedor AS f FROM ${ACODE_FISCAL_TABLE}`)).map((r) => r.f);
  expect(names).toEqual(expect.arrayContaining(['Distribuidora São João Ltda.', 'Drogaria Pão de Açúcar', 'Josapar Farmacêutica do Paraná']));
});

test('nulls are present where the seeds tolerate them, never in idpk, and within the quality gates', async () => {
  const [n] = await rows(
    `SELECT COUNT(*) AS total, SUM(CNPJ IS NULL) AS cnpj, SUM(EAN IS NULL) AS ean, SUM(IPI IS NULL) AS ipi, SUM(idpk IS NULL) AS idpk FROM ${ACODE_FISCAL_TABLE}`,
  );
  expect(Number(n.cnpj)).toBeGreaterThan(0);
  expect(Number(n.cnpj) / Number(n.total)).toBeLessThan(0.05);
  expect(Number(n.ean)).toBeGreaterThan(0);
  expect(Number(n.ean) / Number(n.total)).toBeLessThan(0.1);
  expect(Number(n.ipi)).toBeGreaterThan(0);
  expect(Number(n.idpk)).toBe(0);
});

test('MAX(Data_Processamento) is the reference time and every row is within the 3 h before it', async () => {
  const [r] = await rows(`SELECT MAX(Data_Processamento) AS hi, MIN(Data_Processamento) AS lo FROM ${ACODE_FISCAL_TABLE}`);
  expect(r.hi).toBe('2025-08-07 04:30:00');
  expect(r.lo >= '2025-08-07 01:30:00').toBe(true);
});

test('the same seed gives the same rows; another seed does not', () => {
  const take = (seed: number) => [...fiscalRows(planAcodeSample({ fiscalRows: 50, seed, referenceTime }))];
  expect(take(7)).toEqual(take(7));
  expect(take(7)).not.toEqual(take(8));
});

test('Radar: 80+ tables, critical ones populated, login holds hashes and tokens', async () => {
  expect(RADAR_STREAMS.length).toBeGreaterThanOrEqual(80);
  expect(RADAR_STREAMS.filter((s) => s.critical).map((s) => s.name).sort()).toEqual([...RADAR_CRITICAL_TABLES].sort());
  for (const s of RADAR_STREAMS) expect(radarColumns(s.name).map((c) => c.name)).toContain(s.primaryKey);
  for (const table of RADAR_CRITICAL_TABLES) {
    const [r] = await rows(`SELECT COUNT(*) AS n FROM \`${table}\``, 'radar');
    expect(Number(r.n)).toBe(40);
  }
  const login = await rows('SELECT Password, Refresh_Token FROM login', 'radar');
  expect(login.length).toBeGreaterThan(0);
  expect(login.every((r) => r.Password === null || /^\$2b\$10\$[./A-Za-z0-9]{53}$/.test(r.Password))).toBe(true);
  const stores = await rows('SELECT CNPJ FROM store WHERE CNPJ IS NOT NULL', 'radar');
  expect(stores.every((r) => isValidCnpj(r.CNPJ))).toBe(true);
});
