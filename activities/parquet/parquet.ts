/**
 * Parquet activities: inspectPartition reads back every Parquet file of a
 * partition — schema, row count, per-column null count, min and max — and
 * holds each file to the stream's declared lake schema (the schema gate,
 * lake-schema-check.ts): a difference fails as `schema_change`.
 *
 * Reader: DuckDB (parquet_file_metadata / parquet_metadata / DESCRIBE) over the
 * files streamed to a temp directory. Only footers are read for counts and
 * statistics; a column whose row groups lack a null count is scanned. Why not
 * the others: parquetjs-lite rejects DECIMAL stored as INT64 ("invalid parquet
 * type: DECIMAL"), which is how DuckDB and Arrow write decimal(15,2); hyparquet
 * is ESM-only and a dev dependency.
 *
 * A file DuckDB cannot read as Parquet (bad magic, truncated footer, broken
 * metadata) is reported as a non-retryable ApplicationFailure of type
 * 'data_corruption' naming the bucket and key.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../config/failures';
import type { S3Client } from '@aws-sdk/client-s3';
import { BUCKETS, type BucketRole } from '../../config/pipelines';
import type { ColumnStats, ParquetActivities, PartitionInspection, PartitionRef } from '../types';
import { listPartitionFiles } from '../s3/s3';
import { downloadObjects, withTempDir, type DownloadedFile } from '../s3/s3-download';
import { openDuckDB, sqlIdent, sqlString, type DuckDBLimits, type DuckDBSession } from './duckdb-session';
import { assertLakeSchema } from './lake-schema-check';
import { streamLakeSchema, type LakeColumn } from '../../config/lake-schema';
import type { MysqlSources } from '../mysql/mysql-sources';
import { discoverColumns } from '../engine/extract-columns';

export interface ParquetDeps {
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
  duckdb?: DuckDBLimits;
  /** The sources, for the columns of streams config leaves to discovery (the worker always has them). */
  sources?: MysqlSources;
}

/**
 * The declared lake schema of a landed partition: config's columns, else the
 * source's (the bucket's own source first, primary for bronze and backup for
 * the backup bucket, then the other: a replica has the primary's columns, and
 * reconciliation runs while the primary is down); undefined when neither is
 * at hand (a quarantined copy, or no source given).
 */
export async function declaredSchemaOf(deps: Pick<ParquetDeps, 'sources'>, ref: PartitionRef): Promise<LakeColumn[] | undefined> {
  if (ref.bucket === 'quarantine') return undefined;
  const declared = streamLakeSchema(ref.system, ref.stream);
  if (declared || !deps.sources) return declared;
  const roles = ref.bucket === 'backup' ? (['backup', 'primary'] as const) : (['primary', 'backup'] as const);
  let firstError: unknown;
  for (const role of roles) {
    try {
      const columns = await discoverColumns(deps.sources.pool({ system: ref.system, role }), ref.stream);
      return streamLakeSchema(ref.system, ref.stream, columns);
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/;
export const isNumericType = (type: string) => NUMERIC_TYPE.test(type);

/** The failure for a file that is not readable Parquet. */
export function corruptParquet(bucket: string, key: string, err: unknown): ApplicationFailure {
  const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return failure('data_corruption', `corrupted Parquet file s3://${bucket}/${key}: ${reason}`, { cause: err });
}

/** Runs a DuckDB query over one file, turning a read failure into data_corruption naming the key. */
export async function readParquetOrFail<T>(bucket: string, file: DownloadedFile, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw corruptParquet(bucket, file.key, err);
  }
}

/** Checks that every file is readable Parquet (footer and schema); returns each file's row count. */
export async function checkParquetFiles(db: DuckDBSession, bucket: string, files: DownloadedFile[]): Promise<number[]> {
  const counts: number[] = [];
  for (const file of files) {
    const rows = await readParquetOrFail(bucket, file, () =>
      db.rows(`SELECT num_rows FROM parquet_file_metadata(${sqlString(file.path)})`),
    );
    counts.push(Number(rows[0]?.num_rows ?? 0));
  }
  return counts;
}

type Bound = string | number;
const toBound = (value: string | null | undefined, numeric: boolean): Bound | undefined => {
  if (value === null || value === undefined) return undefined;
  if (!numeric) return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
};
const lower = (a: Bound | undefined, b: Bound | undefined) => (a === undefined ? b : b === undefined ? a : b < a ? b : a);
const upper = (a: Bound | undefined, b: Bound | undefined) => (a === undefined ? b : b === undefined ? a : b > a ? b : a);

async function inspectFile(
  db: DuckDBSession,
  bucket: string,
  file: DownloadedFile,
  schema: Map<string, string>,
  columns: Record<string, ColumnStats>,
): Promise<number> {
  const path = sqlString(file.path);
  return readParquetOrFail(bucket, file, async () => {
    const [{ num_rows }] = await db.rows(`SELECT num_rows FROM parquet_file_metadata(${path})`);
    for (const c of await db.rows(`DESCRIBE SELECT * FROM read_parquet(${path})`)) {
      const name = String(c.column_name);
      if (!schema.has(name)) schema.set(name, String(c.column_type));
    }
    const stats = await db.rows(
      `SELECT path_in_schema AS col, sum(stats_null_count) AS nulls, count(*) - count(stats_null_count) AS missing,
              list(stats_min_value) AS mins, list(stats_max_value) AS maxs
         FROM parquet_metadata(${path}) GROUP BY path_in_schema`,
    );
    for (const s of stats) {
      const name = String(s.col);
      const numeric = isNumericType(schema.get(name) ?? '');
      let nulls = Number(s.nulls ?? 0);
      if (Number(s.missing) > 0) {
        const [scan] = await db.rows(`SELECT count(*) - count(${sqlIdent(name)}) AS nulls FROM read_parquet(${path})`);
        nulls = Number(scan.nulls);
      }
      const entry = (columns[name] ??= { nulls: 0 });
      entry.nulls += nulls;
      let min = entry.min ?? undefined;
      let max = entry.max ?? undefined;
      for (const v of (s.mins as (string | null)[]) ?? []) min = lower(min, toBound(v, numeric));
      for (const v of (s.maxs as (string | null)[]) ?? []) max = upper(max, toBound(v, numeric));
      entry.min = min ?? null;
      entry.max = max ?? null;
    }
    return Number(num_rows);
  });
}

export function createParquetActivities(deps: ParquetDeps): ParquetActivities {
  const buckets = deps.buckets ?? { ...BUCKETS };
  return {
    async inspectPartition(input: PartitionRef): Promise<PartitionInspection> {
      const { bucket, files } = await listPartitionFiles(deps.s3, input, buckets);
      return withTempDir('inspect-partition', async (dir) => {
        const local = await downloadObjects(deps.s3, bucket, files.map((f) => f.key), dir, 'inspect');
        const db = await openDuckDB(dir, deps.duckdb);
        try {
          const schema = new Map<string, string>();
          const columns: Record<string, ColumnStats> = {};
          let rows = 0;
          const declared = local.length ? await declaredSchemaOf(deps, input) : undefined;
          for (const file of local) {
            rows += await inspectFile(db, bucket, file, schema, columns);
            // the schema gate: every landed file holds exactly the declared lake schema
            if (declared) await assertLakeSchema(db, file.path, `s3://${bucket}/${file.key}`, declared);
          }
          return {
            rows,
            files: local.length,
            schema: [...schema].map(([name, type]) => ({ name, type })),
            columns,
          };
        } finally {
          db.close();
        }
      });
    },
  };
}
