/**
 * MySQL activities: source connectivity, freshness, row counts, replication
 * lag of the backup, schema discovery and table listing. Driver errors become
 * ApplicationFailures typed with the failure type recovery acts on, with a
 * one-line message naming the source (never its password).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RowDataPacket } from 'mysql2/promise';
import { failure as contractFailure, invalidInput, type FailureType } from '../../config/failures';
import type { SystemName } from '../../config/pipelines';
import { classifyMysqlError, describeMysqlError } from './mysql-errors';
import type { MysqlSources } from './mysql-sources';
import type { ConnectivityResult, DiscoveredColumn, FreshnessResult, MysqlActivities, ReplicationLagResult, SourceRef } from '../types';
import { identifierProblem, isIdentifier } from '../../config/identifiers';
import { FRESHNESS, REPLICATION_LAG, levelOf, type LevelThresholds } from '../../config/thresholds';

export interface MysqlActivitiesDeps {
  sources: MysqlSources;
  /** MAX(Data_Processamento) age; config/thresholds.ts by default. */
  freshness?: LevelThresholds;
  /** Seconds_Behind_Master; config/thresholds.ts by default. */
  replicationLag?: LevelThresholds;
  /** Default timeout of the connectivity check (30 s). */
  connectivityTimeoutMs?: number;
  now?: () => Date;
}

/** `2025-08-07 03:12:00` (DATETIME, stored in UTC) or a Date → epoch ms. */
function parseSourceDateTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const text = String(value);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

export function createMysqlActivities(deps: MysqlActivitiesDeps): MysqlActivities {
  const { sources } = deps;
  const freshness = deps.freshness ?? FRESHNESS;
  const lagThresholds = deps.replicationLag ?? REPLICATION_LAG;
  const now = deps.now ?? (() => new Date());

  const label = (ref: SourceRef): string => {
    try {
      return sources.label(ref);
    } catch (err) {
      throw invalidInput(err instanceof Error ? err.message : String(err));
    }
  };

  const failure = (ref: SourceRef, what: string, err: unknown): ApplicationFailure => {
    if (err instanceof ApplicationFailure) return err;
    const type: FailureType = classifyMysqlError(err);
    const message = `${label(ref)}: ${what} failed: ${sources.redact(ref, describeMysqlError(err))}`;
    return contractFailure(type, message, { cause: err });
  };

  const query = async <T extends RowDataPacket[]>(ref: SourceRef, what: string, sql: string, params: unknown[] = []): Promise<T> => {
    label(ref);
    try {
      const [rows] = await sources.pool(ref).query<T>(sql, params);
      return rows;
    } catch (err) {
      throw failure(ref, what, err);
    }
  };

  const listTables = async (ref: SourceRef): Promise<string[]> => {
    const rows = await query<RowDataPacket[]>(
      ref,
      'listing tables',
      "SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') ORDER BY TABLE_NAME",
    );
    return rows.map((r) => String(r.name));
  };

  /** Rejects names that are not plain identifiers (invalid_input) and tables the source lacks (schema_change). */
  const checkedTable = async (ref: SourceRef, table: unknown): Promise<string> => {
    if (!isIdentifier(table)) throw invalidInput(`${label(ref)}: ${identifierProblem('table name', table)}`);
    const tables = await listTables(ref);
    if (!tables.includes(table)) {
      throw contractFailure('schema_change', `${label(ref)}: table ${table} not found in the source`);
    }
    return table;
  };

  const checkedColumn = (ref: SourceRef, column: unknown): string => {
    if (!isIdentifier(column)) throw invalidInput(`${label(ref)}: ${identifierProblem('column name', column)}`);
    return column;
  };

  return {
    async checkSourceConnectivity(input) {
      const ref = { system: input.system, role: input.role };
      const timeoutMs = input.timeoutMs ?? deps.connectivityTimeoutMs ?? 30_000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidInput(`${label(ref)}: invalid timeoutMs ${input.timeoutMs}`);
      const where = label(ref);
      const started = Date.now();
      let conn: Awaited<ReturnType<MysqlSources['connect']>> | undefined;
      try {
        conn = await sources.connect(ref, { connectTimeoutMs: timeoutMs });
        await conn.query({ sql: 'SELECT 1', timeout: Math.max(1, timeoutMs - (Date.now() - started)) });
        return { ok: true, latencyMs: Date.now() - started } satisfies ConnectivityResult;
      } catch (err) {
        const failureType = classifyMysqlError(err, { connecting: conn === undefined });
        return {
          ok: false,
          latencyMs: Date.now() - started,
          failureType,
          error: `${where}: connection check failed: ${sources.redact(ref, describeMysqlError(err))}`,
        } satisfies ConnectivityResult;
      } finally {
        if (conn) await conn.end().catch(() => conn?.destroy());
      }
    },

    async measureFreshness(input): Promise<FreshnessResult> {
      const ref = { system: input.system, role: input.role };
      const column = checkedColumn(ref, input.column);
      const table = await checkedTable(ref, input.table);
      const rows = await query<RowDataPacket[]>(ref, `reading MAX(${column}) of ${table}`, `SELECT MAX(\`${column}\`) AS latest FROM \`${table}\``);
      const latest = rows[0]?.latest;
      if (latest === null || latest === undefined) return { latest: null, lagSeconds: null, level: 'critical' };
      const latestMs = parseSourceDateTime(latest);
      if (Number.isNaN(latestMs)) {
        throw contractFailure('schema_change', `${label(ref)}: ${table}.${column} is not a date/time column (MAX = ${String(latest).slice(0, 40)})`);
      }
      const lagSeconds = Math.max(0, Math.round((now().getTime() - latestMs) / 1000));
      return { latest: new Date(latestMs).toISOString(), lagSeconds, level: levelOf(lagSeconds, freshness) };
    },

    async countSourceRows(input) {
      const ref = { system: input.system, role: input.role };
      const table = await checkedTable(ref, input.table);
      const rows = await query<RowDataPacket[]>(ref, `counting rows of ${table}`, `SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number(rows[0].n);
    },

    async measureReplicationLag(input: { system: SystemName }): Promise<ReplicationLagResult> {
      const ref: SourceRef = { system: input.system, role: 'backup' };
      let rows: RowDataPacket[];
      try {
        rows = await query<RowDataPacket[]>(ref, 'reading replica status', 'SHOW REPLICA STATUS');
      } catch (err) {
        // Servers older than MySQL 8.0.22 / MariaDB 10.5 only know SHOW SLAVE STATUS.
        if (!(err instanceof ApplicationFailure) || !/syntax/i.test(err.message)) throw err;
        rows = await query<RowDataPacket[]>(ref, 'reading replica status', 'SHOW SLAVE STATUS');
      }
      const row = rows[0];
      if (!row) {
        return { ioRunning: false, sqlRunning: false, lagSeconds: null, level: 'critical', lastError: `${label(ref)}: replication is not configured on this server` };
      }
      const pick = (...names: string[]) => names.map((n) => row[n]).find((v) => v !== undefined);
      const ioRunning = String(pick('Slave_IO_Running', 'Replica_IO_Running')) === 'Yes';
      const sqlRunning = String(pick('Slave_SQL_Running', 'Replica_SQL_Running')) === 'Yes';
      const rawLag = pick('Seconds_Behind_Master', 'Seconds_Behind_Source');
      const lagSeconds = rawLag === null || rawLag === undefined || !ioRunning || !sqlRunning ? null : Number(rawLag);
      const sqlError = String(pick('Last_SQL_Error') ?? '');
      const ioError = String(pick('Last_IO_Error') ?? '');
      const errorText = [sqlError && `SQL thread: ${sqlError}`, ioError && `IO thread: ${ioError}`].filter(Boolean).join('; ');
      if (!ioRunning || !sqlRunning) {
        const state = `IO thread ${String(pick('Slave_IO_Running', 'Replica_IO_Running'))}, SQL thread ${String(pick('Slave_SQL_Running', 'Replica_SQL_Running'))}`;
        const lastError = `${label(ref)}: replication stopped (${state})${errorText ? `: ${errorText}` : ''}`;
        return { ioRunning, sqlRunning, lagSeconds: null, level: 'critical', lastError: sources.redact(ref, lastError.replace(/\s+/g, ' ').slice(0, 500)) };
      }
      const result: ReplicationLagResult = { ioRunning, sqlRunning, lagSeconds, level: levelOf(lagSeconds, lagThresholds) };
      if (errorText) result.lastError = errorText.replace(/\s+/g, ' ').slice(0, 500);
      return result;
    },

    async discoverSourceSchema(input): Promise<DiscoveredColumn[]> {
      const ref = { system: input.system, role: input.role };
      const table = await checkedTable(ref, input.table);
      const rows = await query<RowDataPacket[]>(
        ref,
        `reading the columns of ${table}`,
        'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, IS_NULLABLE AS nullable FROM information_schema.columns WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
        [table],
      );
      return rows.map((r) => ({ name: String(r.name), dataType: String(r.dataType).toLowerCase(), nullable: r.nullable === 'YES' }));
    },

    async listSourceTables(input) {
      return listTables({ system: input.system, role: input.role });
    },
  };
}
