/**
 * Facts about the two ingestions (ACODE and Radar): streams, columns, S3 layout,
 * Airbyte connection names and the seeds' thresholds. Pure data and pure
 * functions only: workflows import this module, so it must stay deterministic.
 */

/** The source systems this service ingests. */
export const SYSTEMS = ['acode', 'radar'] as const;
export type SystemName = (typeof SYSTEMS)[number];
/** A system's sources: the partner's primary database and, for ACODE, its backup. */
export const SOURCE_ROLES = ['primary', 'backup'] as const;
export type SourceRole = (typeof SOURCE_ROLES)[number];
/** direct: the built-in MySQL→Parquet engine; airbyte: the Airbyte connection's job. */
export const SYNC_ENGINES = ['direct', 'airbyte'] as const;
export type SyncEngine = (typeof SYNC_ENGINES)[number];

export function isSystem(value: unknown): value is SystemName {
  return typeof value === 'string' && (SYSTEMS as readonly string[]).includes(value);
}
export function isSourceRole(value: unknown): value is SourceRole {
  return typeof value === 'string' && (SOURCE_ROLES as readonly string[]).includes(value);
}

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

export const ACODE_STREAM_NAMES: readonly string[] = ACODE_STREAMS.map((s) => s.name);

/** The declared stream of a system (ACODE's three; Radar's tables are discovered from the source), or undefined. */
export function declaredStream(system: SystemName, stream: string): StreamSpec | undefined {
  return system === 'acode' ? ACODE_STREAMS.find((s) => s.name === stream) : undefined;
}

/** The key rows of a stream are de-duplicated by: the declared one, else the `id` Airbyte's Radar connection uses. */
export function primaryKeyOf(system: SystemName, stream: string): string {
  return declaredStream(system, stream)?.primaryKey ?? 'id';
}

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
export function isBucketRole(value: unknown): value is BucketRole {
  return typeof value === 'string' && Object.hasOwn(BUCKETS, value);
}

export const AIRBYTE_CONNECTIONS: Record<SystemName, Partial<Record<SourceRole, string>>> = {
  acode: { primary: 'connection_mysql_s3_acode', backup: 'connection_mysql_s3_acode_backup' },
  radar: { primary: 'connection_mysql_s3_radar' },
};


// ---------- the S3 layout ----------

/** Which bucket a source's data lands in: primary data in bronze, ACODE's backup data in the backup bucket. */
export const SOURCE_BUCKET: Readonly<Record<SourceRole, BucketRole>> = { primary: 'bronze', backup: 'backup' };

/**
 * The `origin=` folder of the layout: `airbyte`, the one Airbyte's S3
 * destination writes and every reader reads. Both engines and reconciliation
 * write it (a reconciled day carries a manifest, PARTITION_MANIFEST).
 */
export type PartitionOrigin = 'airbyte';

/** The last object of a complete partition: a partition without it is incomplete. */
export const SUCCESS_MARKER = '_SUCCESS';

/**
 * Beside `_SUCCESS` in a partition reconciliation wrote: which sources and
 * which recovery produced it (activities/quality/reconciled-partition.ts).
 * Like every object whose name starts with `_`, readers skip it.
 */
export const PARTITION_MANIFEST = '_MANIFEST.json';

/** A partition's data files: every object but the `_`-named ones (`_SUCCESS`, the manifest), as Hive and Athena read it. */
export function isPartitionDataFile(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return !name.startsWith('_') && !name.startsWith('.');
}

/** `origin=<origin>/database=bronze_<system>/`: the folder holding a system's streams. */
export function databasePrefix(system: SystemName, origin: PartitionOrigin = 'airbyte'): string {
  return `origin=${origin}/database=bronze_${system}/`;
}

/** `origin=<origin>/database=bronze_<system>/<stream>/cog_dt_ingestion=YYYY-MM-DD/` — one stream's partition of a day. */
export function partitionPrefix(system: SystemName, stream: string, date: string, origin: PartitionOrigin = 'airbyte'): string {
  return `${databasePrefix(system, origin)}${stream}/cog_dt_ingestion=${date}/`;
}

/** The stream a listed sub-folder of databasePrefix names (`…/bronze_acode/<stream>/` → `<stream>`), or undefined. */
export function streamOfPrefix(system: SystemName, prefix: string, origin: PartitionOrigin = 'airbyte'): string | undefined {
  const base = databasePrefix(system, origin);
  if (!prefix.startsWith(base) || !prefix.endsWith('/')) return undefined;
  const stream = prefix.slice(base.length, -1);
  return stream && !stream.includes('/') ? stream : undefined;
}

/** `s3://<bucket>/<partition prefix>`: how a partition is named in results and alerts. */
export function partitionLocation(bucketName: string, system: SystemName, stream: string, date: string, origin: PartitionOrigin = 'airbyte'): string {
  return `s3://${bucketName}/${partitionPrefix(system, stream, date, origin)}`;
}

/** Index of a partition's first data file: ACODE's Airbyte connection numbers from 001, Radar's from part_0. */
export const FIRST_FILE_INDEX: Readonly<Record<SystemName, number>> = { acode: 1, radar: 0 };

/** File name of the n-th Parquet file of a partition: ACODE `file_<stream>_NNN.parquet`, Radar `file_<table>_part_N.parquet`. */
/**
 * The object name of a partition's file `index`; a table read in several key
 * slices names each file by its slice too (`file_fiscal_002_001.parquet`).
 */
export function partitionFileName(system: SystemName, stream: string, index: number, slice?: number): string {
  const pad = (n: number) => String(n).padStart(3, '0');
  if (slice !== undefined) return system === 'acode' ? `file_${stream}_${pad(slice)}_${pad(index)}.parquet` : `file_${stream}_part_${slice}_${index}.parquet`;
  return system === 'acode' ? `file_${stream}_${pad(index)}.parquet` : `file_${stream}_part_${index}.parquet`;
}

/** `acode-YYYYMMDD/` — where a corrupted partition of a date is moved, never deleted. */
export function quarantinePrefix(system: SystemName, date: string): string {
  return `${system}-${date.replace(/-/g, '')}/`;
}
