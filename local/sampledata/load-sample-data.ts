/**
 * Creates and fills the sample databases on a server (the primary: the replica
 * follows through replication): ACODE's three tables and Radar's 93 tables.
 * Re-running replaces the tables, so a given seed always gives the same data.
 */
import type { Connection } from 'mysql2/promise';
import { ACODE_COMPLEMENT_TABLE, ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE } from '../../config/pipelines';
import { ACODE_DATABASE, RADAR_DATABASE } from '../mariadb/credentials';
import type { MariaDbServer } from '../mariadb/server-process';
import { ACODE_TABLES, createTableSql } from './acode-schema';
import {
  complementRows, COMPLEMENT_LOAD_COLUMNS, fiscalRows, FISCAL_LOAD_COLUMNS, planAcodeSample, productRows,
  PRODUCT_LOAD_COLUMNS, type AcodeSampleOptions, type AcodeSamplePlan,
} from './acode-rows';
import { planRadarSample, radarRows, type RadarSampleOptions } from './radar-rows';
import { loadRowsFromTsv, quoteIdentifier } from './tsv-load';

export interface AcodeSampleSummary extends AcodeSamplePlan {
  rowCounts: Record<string, number>;
  loadMs: number;
}

export interface RadarSampleSummary {
  rowCounts: Record<string, number>;
  loadMs: number;
}

export async function loadAcodeSample(server: MariaDbServer, options: AcodeSampleOptions): Promise<AcodeSampleSummary> {
  const started = Date.now();
  const plan = planAcodeSample(options);
  const rowCounts = await server.withAdmin(async (conn) => {
    for (const t of ACODE_TABLES) {
      await conn.query(`DROP TABLE IF EXISTS ${quoteIdentifier(t.name)}`);
      await conn.query(createTableSql(t.name, t.columns, 'idpk'));
    }
    return {
      [ACODE_FISCAL_TABLE]: await loadRowsFromTsv(conn, ACODE_FISCAL_TABLE, FISCAL_LOAD_COLUMNS, fiscalRows(plan, options.outlierRate)),
      [ACODE_PRODUCTS_TABLE]: await loadRowsFromTsv(conn, ACODE_PRODUCTS_TABLE, PRODUCT_LOAD_COLUMNS, productRows(plan)),
      [ACODE_COMPLEMENT_TABLE]: await loadRowsFromTsv(conn, ACODE_COMPLEMENT_TABLE, COMPLEMENT_LOAD_COLUMNS, complementRows(plan)),
    };
  }, ACODE_DATABASE);
  return { ...plan, rowCounts, loadMs: Date.now() - started };
}

async function createRadarTable(conn: Connection, name: string, columns: { name: string; sqlType: string; nullable: boolean }[], pk: string) {
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`);
  await conn.query(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`);
  await conn.query(
    `CREATE TABLE ${quoteIdentifier(name)} (${defs.join(', ')}, PRIMARY KEY (${quoteIdentifier(pk)})) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  );
}

export async function loadRadarSample(server: MariaDbServer, options: RadarSampleOptions = {}): Promise<RadarSampleSummary> {
  const started = Date.now();
  const tables = planRadarSample(options);
  const rowCounts: Record<string, number> = {};
  // A few connections side by side: the 93 small tables are round-trip bound, not server bound.
  const queue = [...tables];
  const worker = () =>
    server.withAdmin(async (conn) => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        await createRadarTable(conn, t.name, t.columns, t.primaryKey);
        rowCounts[t.name] = t.rows === 0 ? 0 : await loadRowsFromTsv(conn, t.name, t.columns.map((c) => c.name), radarRows(t, options));
      }
    }, RADAR_DATABASE);
  await Promise.all(Array.from({ length: 4 }, worker));
  return { rowCounts, loadMs: Date.now() - started };
}
