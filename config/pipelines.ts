/**
 * Facts about the two ingestions (ACODE and Radar): streams, columns, S3 layout,
 * Airbyte connection names and the seeds' thresholds. Pure data and pure
 * functions only: workflows import this module, so it must stay deterministic.
 */

export type SystemName = 'acode' | 'radar';
export type SourceRole = 'primary' | 'backup';
export type SyncEngine = 'airbyte' | 'direct';

/** SQL column types used by the sample schemas and mapped to Parquet by the direct engine. */
export type ColumnType =
  | { kind: 'bigint' }
  | { kind: 'int' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'varchar'; length: number }
  | { kind: 'text' }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'boolean' };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

export interface StreamSpec {
  /** Table name in the source database, also the stream name in S3. */
  name: string;
  primaryKey: string;
  /** Known columns. Empty means "discover from the source" (ACODE's complement table). */
  columns: ColumnSpec[];
  /** A failing critical stream aborts the run; others only warn (Radar's partial success). */
  critical: boolean;
}

const dec = (precision: number, scale: number): ColumnType => ({ kind: 'decimal', precision, scale });
const varchar = (length: number): ColumnType => ({ kind: 'varchar', length });
const col = (name: string, type: ColumnType, nullable = true): ColumnSpec => ({ name, type, nullable });

export const ACODE_FISCAL_TABLE = 'farmarcas_si_analitico_diario';
export const ACODE_PRODUCTS_TABLE = 'farmarcas_si_analitico_diario_produtos';
export const ACODE_COMPLEMENT_TABLE = 'farmarcas_si_analitico_diario_complemento';

/** The fiscal table's 20 columns, types from seed 000's data schema. */
export const ACODE_FISCAL_COLUMNS: ColumnSpec[] = [
  col('idpk', { kind: 'bigint' }, false),
  col('ACODE_Val_Total', dec(15, 2)),
  col('CNPJ', varchar(18)),
  col('CNPJ_Fornecedor', varchar(18)),
  col('Data', { kind: 'date' }),
  col('Data_Processamento', { kind: 'datetime' }),
  col('EAN', varchar(14)),
  col('Fornecedor', varchar(255)),
  col('NF_Numero', { kind: 'int' }),
  col('Qtd_Trib', dec(15, 4)),
  col('Val_Prod', dec(15, 2)),
  col('Val_Trib', dec(15, 2)),
  col('CFOP', { kind: 'int' }),
  col('NCM', { kind: 'int' }),
  col('CST', varchar(3)),
  col('Aliquota_ICMS', dec(5, 2)),
  col('Valor_ICMS', dec(15, 2)),
  col('IPI', dec(15, 2)),
  col('ST', dec(15, 2)),
  col('STRet', dec(15, 2)),
];

export const ACODE_PRODUCTS_COLUMNS: ColumnSpec[] = [
  col('idpk', { kind: 'bigint' }, false),
  col('EAN', varchar(14)),
  col('Produto', varchar(255)),
  col('Fabricante', varchar(255)),
  col('P_Ativo', varchar(255)),
  col('Classe', varchar(255)),
  col('Sub_Classe', varchar(255)),
  col('Familia', varchar(255)),
  col('Grupo', varchar(255)),
  col('Tipo', varchar(100)),
  col('Desc_Marca', varchar(255)),
  col('Holding', varchar(255)),
];

export const ACODE_STREAMS: StreamSpec[] = [
  { name: ACODE_FISCAL_TABLE, primaryKey: 'idpk', columns: ACODE_FISCAL_COLUMNS, critical: true },
  { name: ACODE_PRODUCTS_TABLE, primaryKey: 'idpk', columns: ACODE_PRODUCTS_COLUMNS, critical: true },
  { name: ACODE_COMPLEMENT_TABLE, primaryKey: 'idpk', columns: [], critical: true },
];

/** Radar tables whose failure aborts the run with a critical alert (seed 002/004). */
export const RADAR_CRITICAL_TABLES = ['store', 'product', 'user_access', 'brand_metrics_average'] as const;

/** Tables holding secrets (password hashes, tokens): their rows never reach a log or an alert. */
export const SENSITIVE_TABLES = ['login'] as const;

export const BUCKETS = {
  bronze: 'farmarcas-production-bronze',
  backup: 'farmarcas-backup-acode',
  quarantine: 'farmarcas-quarantine',
} as const;
export type BucketRole = keyof typeof BUCKETS;

export const AIRBYTE_CONNECTIONS: Record<SystemName, Partial<Record<SourceRole, string>>> = {
  acode: { primary: 'connection_mysql_s3_acode', backup: 'connection_mysql_s3_acode_backup' },
  radar: { primary: 'connection_mysql_s3_radar' },
};

export const SUCCESS_MARKER = '_SUCCESS';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates an ingestion date (YYYY-MM-DD, a real calendar day) and returns it, or throws a clear error. */
export function parseIngestionDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) {
    throw new Error(`invalid date ${JSON.stringify(value)}: expected YYYY-MM-DD`);
  }
  const [y, m, d] = value.split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new Error(`invalid date ${JSON.stringify(value)}: no such calendar day`);
  }
  return value;
}

/** `origin=airbyte/database=bronze_<system>/<stream>/cog_dt_ingestion=YYYY-MM-DD/` — the layout Airbyte's S3 destination writes. */
export function partitionPrefix(system: SystemName, stream: string, date: string): string {
  return `origin=airbyte/database=bronze_${system}/${stream}/cog_dt_ingestion=${date}/`;
}

/** File name of the n-th Parquet file of a partition: ACODE `file_<stream>_NNN.parquet`, Radar `file_<table>_part_N.parquet`. */
export function partitionFileName(system: SystemName, stream: string, index: number): string {
  return system === 'acode'
    ? `file_${stream}_${String(index).padStart(3, '0')}.parquet`
    : `file_${stream}_part_${index}.parquet`;
}

/** `acode-YYYYMMDD/` — where a corrupted partition of a date is moved, never deleted. */
export function quarantinePrefix(system: SystemName, date: string): string {
  return `${system}-${date.replace(/-/g, '')}/`;
}
