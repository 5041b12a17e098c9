/**
 * runQualityGates: measures a landed partition set with DuckDB and judges it
 * with quality-rules.ts.
 *
 * Every stream (ACODE: its three tables plus any named in sourceRowCounts;
 * other systems: the streams named in sourceRowCounts) gets the generic
 * gates: files present with `_SUCCESS`, rows against the source, duplicate
 * and NULL primary keys, volume change against the previous day (footers
 * only, read with ranged GETs). ACODE's fiscal table also gets the seed's
 * gates: required columns and types, NULL tolerance, outliers, EANs missing
 * from the product table.
 *
 * The partition files are streamed to a temp directory and queried by DuckDB
 * with a memory limit and a spill directory, so memory stays bounded at
 * 50M rows. Unreadable files fail as data_corruption naming the key.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE, BUCKETS, partitionPrefix, type BucketRole, type SystemName, isSystem, primaryKeyOf, ACODE_STREAM_NAMES } from '../../config/pipelines';
import { parseIngestionDate, previousDay } from '../../config/calendar';
import type { QualityActivities, QualityReport } from '../types';
import { listPartitionFiles } from '../s3/s3';
import { failure, invalidInput } from '../../config/failures';
import { downloadObjects, withTempDir } from '../s3/s3-download';
import { checkParquetFiles } from '../parquet/parquet';
import { footerRowCounts } from '../parquet/parquet-footer';
import { openDuckDB, sqlFileList, sqlIdent, type DuckDBLimits, type DuckDBSession } from '../parquet/duckdb-session';
import { reportProgress } from '../activity-progress';
import {
  NULL_TOLERANCE,
  OUTLIER_HIGH,
  OUTLIER_LOW,
  judgeDuplicates,
  judgeFilesPresent,
  judgeMissingEans,
  judgeNulls,
  judgeOutliers,
  judgeRequiredColumns,
  judgeRowCount,
  judgeVolumeChange,
  scoreChecks,
  type JudgedCheck,
} from './quality-rules';

export interface QualityDeps {
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
  duckdb?: DuckDBLimits;
  /** Primary key per stream; ACODE streams use their config, others default to `id`. */
  primaryKeys?: Record<string, string>;
}

interface LandedStream {
  view: string;
  rows: number;
  columns: Map<string, string>;
}


function validateInput(input: Parameters<QualityActivities['runQualityGates']>[0], buckets: Record<BucketRole, string>) {
  if (!input || typeof input !== 'object') throw invalidInput('runQualityGates: input missing');
  if (!(input.bucket in buckets)) throw invalidInput(`runQualityGates: unknown bucket role ${JSON.stringify(input.bucket)}`);
  if (!isSystem(input.system)) throw invalidInput(`runQualityGates: unknown system ${JSON.stringify(input.system)}`);
  try {
    parseIngestionDate(input.date);
  } catch (err) {
    throw invalidInput(`runQualityGates: ${(err as Error).message}`);
  }
  const counts = input.sourceRowCounts;
  if (!counts || typeof counts !== 'object') throw invalidInput('runQualityGates: sourceRowCounts must be an object');
  for (const [stream, n] of Object.entries(counts)) {
    if (!Number.isInteger(n) || n < 0) {
      throw invalidInput(`runQualityGates: sourceRowCounts.${stream} must be a non-negative integer, got ${JSON.stringify(n)}`);
    }
  }
}

/** A query failing while reading the data pages means a corrupted file somewhere in the partition. */
async function query(db: DuckDBSession, sql: string, where: string) {
  try {
    return await db.rows(sql);
  } catch (err) {
    throw failure('data_corruption', `reading ${where} failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function createQualityActivities(deps: QualityDeps): QualityActivities {
  const buckets = deps.buckets ?? { ...BUCKETS };
  const keyOf = (system: SystemName, stream: string) =>
    deps.primaryKeys?.[stream] ?? primaryKeyOf(system, stream);

  return {
    async runQualityGates(input): Promise<QualityReport> {
      validateInput(input, buckets);
      const { bucket: role, system, date, sourceRowCounts } = input;
      const streams = [
        ...new Set([...(system === 'acode' ? ACODE_STREAM_NAMES : []), ...Object.keys(sourceRowCounts)]),
      ];
      if (streams.length === 0) throw invalidInput(`runQualityGates: sourceRowCounts names no stream of ${system}`);
      const bucket = buckets[role];

      return withTempDir('quality-gates', async (dir) => {
        const db = await openDuckDB(dir, deps.duckdb);
        try {
          const checks: JudgedCheck[] = [];
          const landed = new Map<string, LandedStream>();
          for (const [index, stream] of streams.entries()) {
            const ref = { bucket: role, system, stream, date };
            const where = `s3://${bucket}/${partitionPrefix(system, stream, date)}`;
            const { files, complete } = await listPartitionFiles(deps.s3, ref, buckets);
            checks.push(judgeFilesPresent(stream, files.length, complete));
            let rows = 0;
            if (files.length > 0) {
              const streamDir = join(dir, `s${index}`);
              await mkdir(streamDir);
              const local = await downloadObjects(deps.s3, bucket, files.map((f) => f.key), streamDir, `quality ${stream}`);
              rows = (await checkParquetFiles(db, bucket, local)).reduce((a, b) => a + b, 0);
              const view = `s${index}`;
              await db.run(`CREATE VIEW ${view} AS SELECT * FROM read_parquet(${sqlFileList(local.map((f) => f.path))}, union_by_name = true)`);
              const described = await query(db, `DESCRIBE ${view}`, where);
              const columns = new Map(described.map((c) => [String(c.column_name), String(c.column_type)]));
              landed.set(stream, { view, rows, columns });

              const key = keyOf(system, stream);
              if (columns.has(key)) {
                const k = sqlIdent(key);
                const [dup] = await query(
                  db,
                  `SELECT coalesce(sum(n - 1), 0) AS extra FROM (SELECT ${k}, count(*) AS n FROM ${view} WHERE ${k} IS NOT NULL GROUP BY ${k} HAVING count(*) > 1)`,
                  where,
                );
                const [nul] = await query(db, `SELECT count(*) AS n FROM ${view} WHERE ${k} IS NULL`, where);
                checks.push(judgeDuplicates(stream, key, rows, Number(dup.extra), Number(nul.n)));
              } else {
                checks.push({ name: `${stream}.duplicate_keys`, passed: true, level: 'warning', detail: `no primary key column ${key}` });
              }
            }
            checks.push(judgeRowCount(stream, rows, sourceRowCounts[stream]));
            const previous = await listPartitionFiles(deps.s3, { ...ref, date: previousDay(date) }, buckets);
            const previousRows = previous.files.length ? await footerRowCounts(deps.s3, bucket, previous.files) : undefined;
            checks.push(judgeVolumeChange(stream, rows, previousRows));
            reportProgress({ stage: 'quality', stream, done: index + 1, of: streams.length });
          }

          const fiscal = system === 'acode' ? landed.get(ACODE_FISCAL_TABLE) : undefined;
          if (fiscal) checks.push(...(await fiscalGates(db, fiscal, landed.get(ACODE_PRODUCTS_TABLE), `s3://${bucket}/${partitionPrefix(system, ACODE_FISCAL_TABLE, date)}`)));

          const { score, passed } = scoreChecks(checks);
          return {
            system,
            date,
            score,
            passed,
            checks: checks.map(({ name, passed: ok, detail, level }) => ({ name, passed: ok, detail, level })),
          };
        } finally {
          db.close();
        }
      });
    },
  };
}

async function fiscalGates(db: DuckDBSession, fiscal: LandedStream, products: LandedStream | undefined, where: string) {
  const stream = ACODE_FISCAL_TABLE;
  const checks: JudgedCheck[] = [judgeRequiredColumns([...fiscal.columns].map(([name, type]) => ({ name, type })), stream)];
  const has = (c: string) => fiscal.columns.has(c);
  const nullExprs = Object.keys(NULL_TOLERANCE)
    .filter(has)
    .map((c) => `count(*) FILTER (WHERE ${sqlIdent(c)} IS NULL) AS ${sqlIdent(`null_${c}`)}`);
  const value = has('ACODE_Val_Total') ? sqlIdent('ACODE_Val_Total') : 'NULL';
  const [m] = await query(
    db,
    `SELECT count(*) AS rows, ${[...nullExprs, `count(*) FILTER (WHERE ${value} > ${OUTLIER_HIGH}) AS high`, `count(*) FILTER (WHERE ${value} < ${OUTLIER_LOW}) AS low`].join(', ')} FROM ${fiscal.view}`,
    where,
  );
  const rows = Number(m.rows);
  const nulls = Object.fromEntries(Object.keys(NULL_TOLERANCE).map((c) => [c, has(c) ? Number(m[`null_${c}`]) : rows]));
  checks.push(...judgeNulls(stream, rows, nulls), judgeOutliers(stream, rows, Number(m.high), Number(m.low)));

  if (!has('EAN') || !products?.columns.has('EAN')) {
    checks.push({
      name: `${stream}.eans_in_products`,
      passed: false,
      level: 'critical',
      detail: products ? 'EAN column missing' : `product table ${ACODE_PRODUCTS_TABLE} has no landed partition`,
      score: 0,
    });
    return checks;
  }
  const [e] = await query(
    db,
    `SELECT count(*) AS eans, count(*) FILTER (WHERE p.ean IS NULL) AS missing
       FROM (SELECT DISTINCT "EAN"::VARCHAR AS ean FROM ${fiscal.view} WHERE "EAN" IS NOT NULL) f
       LEFT JOIN (SELECT DISTINCT "EAN"::VARCHAR AS ean FROM ${products.view} WHERE "EAN" IS NOT NULL) p ON f.ean = p.ean`,
    where,
  );
  checks.push(judgeMissingEans(stream, Number(e.eans), Number(e.missing)));
  return checks;
}
