import { createMysqlActivities } from '../../activities/mysql/mysql';
import { ACODE_COMPLEMENT_TABLE, ACODE_FISCAL_COLUMNS, ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE } from '../../config/pipelines';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';

let env: MariaDbEnv;
const HOUR = 3_600_000;
const referenceTime = new Date(Date.UTC(2025, 7, 7, 3, 0, 0));

beforeAll(async () => {
  env = await startMariaDbEnv({ fiscalRows: 400, productRows: 60, complementRows: 150, referenceTime, radarCriticalRows: 30 });
});
afterAll(() => env?.close());

const acode = { system: 'acode', role: 'primary' } as const;
const fresh = { ...acode, table: ACODE_FISCAL_TABLE, column: 'Data_Processamento' };
const at = (ms: number) => () => new Date(referenceTime.getTime() + ms);

test('freshness: ok, warning at 12 h, critical at 24 h against the real MAX(Data_Processamento)', async () => {
  const ok = await createMysqlActivities({ sources: env.sources, now: at(2 * HOUR) }).measureFreshness(fresh);
  expect(ok).toEqual({ latest: referenceTime.toISOString(), lagSeconds: 7200, level: 'ok' });
  const warn = await createMysqlActivities({ sources: env.sources, now: at(13 * HOUR) }).measureFreshness(fresh);
  expect(warn.level).toBe('warning');
  const crit = await createMysqlActivities({ sources: env.sources, now: at(25 * HOUR) }).measureFreshness(fresh);
  expect(crit).toMatchObject({ level: 'critical', lagSeconds: 25 * 3600 });
  const custom = await createMysqlActivities({ sources: env.sources, now: at(2 * HOUR), freshness: { warnSeconds: 60, criticalSeconds: 3600 } }).measureFreshness(fresh);
  expect(custom.level).toBe('critical');
});

test('freshness of the backup follows the replica, and an empty table is critical with no timestamp', async () => {
  const mysql = createMysqlActivities({ sources: env.sources, now: at(HOUR) });
  expect((await mysql.measureFreshness({ ...fresh, role: 'backup' })).latest).toBe(referenceTime.toISOString());
  expect(await mysql.measureFreshness({ system: 'radar', role: 'primary', table: 'sms_log', column: 'Sent_At' })).toEqual({
    latest: null,
    lagSeconds: null,
    level: 'critical',
  });
});

test('row counts equal the generated sizes on primary and backup', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  for (const role of ['primary', 'backup'] as const) {
    expect(await mysql.countSourceRows({ system: 'acode', role, table: ACODE_FISCAL_TABLE })).toBe(400);
    expect(await mysql.countSourceRows({ system: 'acode', role, table: ACODE_PRODUCTS_TABLE })).toBe(60);
    expect(await mysql.countSourceRows({ system: 'acode', role, table: ACODE_COMPLEMENT_TABLE })).toBe(150);
  }
  expect(await mysql.countSourceRows({ system: 'radar', role: 'primary', table: 'store' })).toBe(30);
  expect(await mysql.countSourceRows({ system: 'radar', role: 'primary', table: 'login' })).toBe(env.radar!.rowCounts.login);
});

test('listSourceTables lists the ACODE tables and every Radar table of the config', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  expect(await mysql.listSourceTables(acode)).toEqual(expect.arrayContaining([ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE, ACODE_COMPLEMENT_TABLE]));
  const radar = await mysql.listSourceTables({ system: 'radar', role: 'primary' });
  expect(radar.length).toBeGreaterThanOrEqual(80);
  expect(radar).toEqual(expect.arrayContaining(RADAR_TABLE_NAMES));
});

test('schema discovery returns the configured columns and finds one the config does not know', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  const before = await mysql.discoverSourceSchema({ ...acode, table: ACODE_FISCAL_TABLE });
  expect(before.map((c) => c.name)).toEqual(ACODE_FISCAL_COLUMNS.map((c) => c.name));
  expect(before[0]).toEqual({ name: 'idpk', dataType: 'bigint', nullable: false });
  const complement = await mysql.discoverSourceSchema({ ...acode, table: ACODE_COMPLEMENT_TABLE });
  expect(complement.map((c) => c.name)).toEqual(expect.arrayContaining(['NF_Chave', 'XML_Complemento', 'Data_Emissao']));

  await env.pair.primary.withAdmin((c) => c.query(`ALTER TABLE acode_farmarcas.${ACODE_FISCAL_TABLE} ADD COLUMN Lote_Fabricacao VARCHAR(40) NULL`));
  await env.pair.waitForReplicaCatchUp(10_000);
  const after = await mysql.discoverSourceSchema({ ...acode, role: 'backup', table: ACODE_FISCAL_TABLE });
  const known = new Set(ACODE_FISCAL_COLUMNS.map((c) => c.name));
  expect(after.filter((c) => !known.has(c.name))).toEqual([{ name: 'Lote_Fabricacao', dataType: 'varchar', nullable: true }]);
});

test('an unknown table is schema_change, non-retryable', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  const failure = await mysql.countSourceRows({ ...acode, table: 'farmarcas_si_analitico_mensal' }).catch((e) => e);
  expect(failure).toMatchObject({ type: 'schema_change', nonRetryable: true });
  expect(failure.message).toMatch(/acode\/primary .*table farmarcas_si_analitico_mensal not found/);
});

test('an unknown column is schema_change', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await expect(mysql.measureFreshness({ ...fresh, column: 'Data_Carga' })).rejects.toMatchObject({ type: 'schema_change', nonRetryable: true });
});

test.each([
  'farmarcas_si_analitico_diario; DROP TABLE farmarcas_si_analitico_diario',
  'farmarcas_si_analitico_diario` WHERE 1=1 --',
  '../etc/passwd',
  '',
])('a table name carrying SQL (%j) is invalid_input and nothing runs', async (table) => {
  const mysql = createMysqlActivities({ sources: env.sources });
  const failure = await mysql.countSourceRows({ ...acode, table }).catch((e) => e);
  expect(failure).toMatchObject({ type: 'invalid_input', nonRetryable: true });
  expect(await mysql.countSourceRows({ ...acode, table: ACODE_FISCAL_TABLE })).toBe(400);
});

test('a column name carrying SQL is invalid_input', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await expect(mysql.measureFreshness({ ...fresh, column: 'Data_Processamento) FROM mysql.user --' })).rejects.toMatchObject({ type: 'invalid_input' });
});
