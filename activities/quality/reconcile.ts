/**
 * reconcilePartition: after a recovery that used the backup, find the rows
 * the backup partition has and the primary (bronze) partition lacks, by
 * primary key; validate them; merge them with the primary rows,
 * de-duplicated by key; write the result as Parquet (SNAPPY) in the declared
 * lake schema.
 *
 * Where: the day's partition readers read, the bronze bucket's
 *   origin=airbyte/database=bronze_<system>/<stream>/cog_dt_ingestion=YYYY-MM-DD/
 * with `_SUCCESS` and a manifest naming the sources and the recovery
 * (reconciled-partition.ts). Its earlier objects (partial, or the primary's
 * complete files) are first copied, verified, to the quarantine bucket;
 * nothing is deleted before it is kept. The backup bucket keeps its own copy
 * untouched. A complete primary partition that lacks nothing is left as it
 * is. A retry of a run that finished returns the manifest's result.
 *
 * Validation: every landed file must hold the stream's declared lake schema
 * (config/lake-schema.ts) and the two schemas must be equal (else a
 * 'schema_change' failure naming the file and column); the output is checked
 * before upload; gap rows with a NULL key cannot be reconciled and lower the
 * score, as do duplicate gap rows. Score = 100 × usable gap rows / gap rows.
 *
 * Memory stays bounded: files are streamed to a temp directory, DuckDB runs
 * with a memory limit and spills to that directory.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { failure } from '../../config/failures';
import { PIPELINE_LAKE_SHAPE, type LakeColumn } from '../../config/lake-schema';
import { BUCKETS, FIRST_FILE_INDEX, SUCCESS_MARKER, partitionFileName, primaryKeyOf, quarantinePrefix, type BucketRole, type SystemName } from '../../config/pipelines';
import type { ReconcileActivities, ReconcileResult } from '../types';
import type { MysqlSources } from '../mysql/mysql-sources';
import { listPartitionFiles, resolvePartition } from '../s3/s3';
import { downloadObjects, withTempDir } from '../s3/s3-download';
import { checkParquetFiles, declaredSchemaOf } from '../parquet/parquet';
import { openDuckDB, sqlFileList, sqlIdent, sqlString, type DuckDBLimits, type DuckDBSession } from '../parquet/duckdb-session';
import { assertLakeSchema } from '../parquet/lake-schema-check';
import { lakeSelectList } from '../parquet/lake-select';
import { markTimestampsUtc } from '../parquet/parquet-footer-annotations';
import { millisTimestampColumns } from '../parquet/parquet-writer-duckdb';
import { reportProgress } from '../activity-progress';
import { keepOriginals, readManifest, replacePartition, type PartitionManifest } from './reconciled-partition';

export interface ReconcileDeps {
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
  duckdb?: DuckDBLimits;
  /** Primary key per stream; ACODE streams use their config, others default to `id`. */
  primaryKeys?: Record<string, string>;
  /** The sources, for the declared schema of streams whose columns are discovered (the worker always has them). */
  sources?: MysqlSources;
}

/** `recovery-acode-…-20240501T030405Z`: the folder one run keeps the replaced partition under. */
function runLabel(recovery: string | undefined): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${(recovery ?? 'reconciliation').replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`;
}

/** Lands a partition as view `view`, each row carrying a unique `_order`: source, then file, then row. */
async function landPartition(
  s3: S3Client,
  db: DuckDBSession,
  bucket: string,
  files: { key: string }[],
  dir: string,
  view: string,
  source: number,
  declared: readonly LakeColumn[] | undefined,
): Promise<boolean> {
  if (files.length === 0) return false;
  await mkdir(dir);
  const local = await downloadObjects(s3, bucket, files.map((f) => f.key), dir, `reconcile ${view}`);
  await checkParquetFiles(db, bucket, local);
  // a partition off the declared schema is refused, even when primary and backup agree with each other
  if (declared) for (const f of local) await assertLakeSchema(db, f.path, `s3://${bucket}/${f.key}`, declared);
  await db.run(
    `CREATE VIEW ${view} AS SELECT * EXCLUDE (filename, file_row_number),
       (${source}::BIGINT << 60) | (regexp_extract(filename, '(\\d+)\\.parquet$', 1)::BIGINT << 40) | file_row_number AS _order
     FROM read_parquet(${sqlFileList(local.map((f) => f.path))}, union_by_name = true, filename = true, file_row_number = true)`,
  );
  return true;
}

async function describe(db: DuckDBSession, view: string): Promise<Map<string, string>> {
  return new Map((await db.rows(`DESCRIBE ${view}`)).map((c) => [String(c.column_name), String(c.column_type)]));
}

function schemaDifference(primary: Map<string, string>, backup: Map<string, string>): string | undefined {
  const diffs: string[] = [];
  for (const [name, type] of backup) {
    if (!primary.has(name)) diffs.push(`${name} only in backup`);
    else if (primary.get(name) !== type) diffs.push(`${name} is ${primary.get(name)} in primary, ${type} in backup`);
  }
  for (const name of primary.keys()) if (!backup.has(name)) diffs.push(`${name} only in primary`);
  return diffs.length ? diffs.join('; ') : undefined;
}

export function createReconcileActivities(deps: ReconcileDeps): ReconcileActivities {
  const { s3 } = deps;
  const buckets = deps.buckets ?? { ...BUCKETS };
  const keyOf = (system: SystemName, stream: string) =>
    deps.primaryKeys?.[stream] ?? primaryKeyOf(system, stream);

  return {
    async reconcilePartition({ system, stream, date, recovery }): Promise<ReconcileResult> {
      const primaryRef = { bucket: 'bronze' as const, system, stream, date };
      const { bucket } = resolvePartition(primaryRef, buckets);
      const backupRef = { ...primaryRef, bucket: 'backup' as const };
      const primary = await listPartitionFiles(s3, primaryRef, buckets);
      const backup = await listPartitionFiles(s3, backupRef, buckets);
      // the reconciled day lands where readers read: the primary's own origin=airbyte partition
      const outPrefix = primary.prefix;
      const location = `s3://${bucket}/${outPrefix}`;
      const written = await readManifest(s3, bucket, outPrefix);
      if (written && primary.complete && recovery && written.recovery === recovery) return written.result; // a retry of a run that finished
      if (backup.files.length > 0 && !backup.complete) {
        throw failure('unknown', `backup partition s3://${backup.bucket}/${backup.prefix} has no ${SUCCESS_MARKER} marker: still being written`);
      }
      if (primary.files.length === 0 && backup.files.length === 0) {
        return { stream, gapsFound: 0, recordsReconciled: 0, duplicatesRemoved: 0, score: 100, location };
      }

      return withTempDir('reconcile', async (dir) => {
        const db = await openDuckDB(dir, deps.duckdb);
        try {
          await db.run("SET TimeZone = 'UTC'");
          const declared = await declaredSchemaOf(deps, primaryRef);
          const hasPrimary = await landPartition(s3, db, primary.bucket, primary.files, join(dir, 'primary'), 'p', 0, declared);
          const hasBackup = await landPartition(s3, db, backup.bucket, backup.files, join(dir, 'backup'), 'b', 1, declared);
          if (!hasPrimary) await db.run('CREATE VIEW p AS SELECT * FROM b LIMIT 0');
          if (!hasBackup) await db.run('CREATE VIEW b AS SELECT * FROM p LIMIT 0');
          const pCols = await describe(db, 'p');
          const diff = hasPrimary && hasBackup ? schemaDifference(pCols, await describe(db, 'b')) : undefined;
          if (diff) {
            throw failure('schema_change', `${system}/${stream} ${date}: primary and backup schemas differ: ${diff}`);
          }
          const keyName = keyOf(system, stream);
          if (!pCols.has(keyName)) {
            throw failure('schema_change', `${system}/${stream} ${date}: primary key column ${keyName} not found`);
          }
          const k = sqlIdent(keyName);
          const gapSource = '(_order >> 60) = 1';
          await db.run(
            `CREATE VIEW merged AS SELECT * FROM p
             UNION ALL BY NAME SELECT * FROM b WHERE NOT EXISTS (SELECT 1 FROM p WHERE p.${k} = b.${k})`,
          );
          reportProgress({ stage: 'reconcile-measure', stream });
          // GROUP BY rather than count(DISTINCT): DuckDB spills grouped aggregates to disk.
          const [m] = await db.rows(
            `SELECT count(*) FILTER (WHERE NOT ${gapSource}) AS p_rows, count(*) FILTER (WHERE NOT ${gapSource} AND ${k} IS NULL) AS p_null,
                    count(*) FILTER (WHERE ${gapSource}) AS g_rows, count(*) FILTER (WHERE ${gapSource} AND ${k} IS NULL) AS g_null
               FROM merged`,
          );
          const [keys] = await db.rows(
            `SELECT count(*) FILTER (WHERE NOT gap) AS p_keys, count(*) FILTER (WHERE gap) AS g_keys
               FROM (SELECT ${k}, bool_or(${gapSource}) AS gap FROM merged WHERE ${k} IS NOT NULL GROUP BY ${k})`,
          );
          const gapRows = Number(m.g_rows);
          const gapKeys = Number(keys.g_keys);
          const gapDuplicates = gapRows - Number(m.g_null) - gapKeys;
          const primaryDuplicates = Number(m.p_rows) - Number(m.p_null) - Number(keys.p_keys);

          const result: ReconcileResult = {
            stream,
            gapsFound: gapKeys,
            recordsReconciled: gapKeys,
            duplicatesRemoved: primaryDuplicates + gapDuplicates,
            score: gapRows === 0 ? 100 : Math.round((10000 * gapKeys) / gapRows) / 100,
            location,
          };
          // a complete primary partition that lacks nothing and repeats nothing stays as its sync wrote it
          if (primary.complete && gapKeys === 0 && primaryDuplicates === 0) return result;

          const outFile = join(dir, 'reconciled.parquet');
          reportProgress({ stage: 'reconcile-write', stream });
          // Keys held more than once: keep the row with the smallest _order (the primary's first).
          await db.run(
            `CREATE TEMP TABLE repeated AS SELECT ${k} AS k, min(_order) AS keep FROM merged
               WHERE ${k} IS NOT NULL GROUP BY ${k} HAVING count(*) > 1`,
          );
          // the declared lake schema, column for column (else the landed columns as they are)
          const columns = declared ? lakeSelectList(declared, 'm') : 'm.* EXCLUDE (_order)';
          await db.run(
            `COPY (
               SELECT ${columns} FROM merged m LEFT JOIN repeated r ON m.${k} = r.k
               WHERE (r.k IS NULL AND NOT (m.${k} IS NULL AND (m._order >> 60) = 1)) OR m._order = r.keep
             ) TO ${sqlString(outFile)} (FORMAT PARQUET, COMPRESSION SNAPPY)`,
          );
          const dataKey = outPrefix + partitionFileName(system, stream, FIRST_FILE_INDEX[system]);
          if (declared) {
            await markTimestampsUtc(outFile, millisTimestampColumns(declared));
            await assertLakeSchema(db, outFile, `s3://${bucket}/${dataKey}`, declared);
          }

          // the partition as it was is kept, verified, before anything in it is replaced
          const keptAt = `${quarantinePrefix(system, date)}replaced/${runLabel(recovery)}/`;
          const kept = await keepOriginals(s3, bucket, outPrefix, buckets.quarantine, keptAt);
          const primaryRowsKept = Number(m.p_rows) - primaryDuplicates;
          const manifest: PartitionManifest = {
            writtenBy: 'reconciliation',
            recovery: recovery ?? null,
            system,
            stream,
            date,
            shape: declared ? PIPELINE_LAKE_SHAPE[system] : null,
            rows: primaryRowsKept + gapKeys,
            sources: [
              { role: 'primary' as const, location: `s3://${primary.bucket}/${primary.prefix}`, files: primary.files.length, rows: primaryRowsKept },
              { role: 'backup' as const, location: `s3://${backup.bucket}/${backup.prefix}`, files: backup.files.length, rows: gapKeys },
            ].filter((source) => source.rows > 0),
            keptOriginalsAt: kept > 0 || primary.files.length > 0 ? `s3://${buckets.quarantine}/${keptAt}${outPrefix}` : null,
            result,
            writtenAt: new Date().toISOString(),
          };
          reportProgress({ stage: 'reconcile-upload', stream, bytes: (await stat(outFile)).size });
          await replacePartition(s3, bucket, outPrefix, [{ key: dataKey, path: outFile }], manifest);
          return result;
        } finally {
          db.close();
        }
      });
    },
  };
}
