/**
 * Reads a landed partition back for assertions: downloads every object and
 * reads the Parquet files with a DuckDB instance of the test's own, values
 * cast to text so decimals and timestamps compare exactly.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LandedObject {
  key: string;
  size: number;
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<LandedObject[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
}

export async function downloadParquetFiles(s3: S3Client, bucket: string, prefix: string): Promise<{ dir: string; files: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'extract-test-'));
  const files: string[] = [];
  for (const o of await listKeys(s3, bucket, prefix)) {
    if (!o.key.endsWith('.parquet')) continue;
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.key }));
    const file = path.join(dir, path.basename(o.key));
    await fs.writeFile(file, Buffer.from(await body.Body!.transformToByteArray()));
    files.push(file);
  }
  return { dir, files };
}

export interface ParquetColumnInfo {
  name: string;
  physical: string;
  logical: string;
}

/** Rows of the files (ordered by `orderBy`) as text, plus each file's Parquet schema. */
export async function readParquetAsText(
  files: string[],
  columns: string[],
  orderBy: string,
  datetimeColumns: string[] = [],
): Promise<{ rows: (string | null)[][]; schema: ParquetColumnInfo[]; perFile: number[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
    const select = columns
      .map((c) => (datetimeColumns.includes(c) ? `strftime("${c}", '%Y-%m-%d %H:%M:%S')` : `CAST("${c}" AS VARCHAR)`))
      .join(', ');
    const result = await con.runAndReadAll(`SELECT ${select} FROM read_parquet(${list}) ORDER BY "${orderBy}"`);
    const rows = result.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
    const schemaResult = await con.runAndReadAll(
      `SELECT name, type, coalesce(logical_type, converted_type, '') FROM parquet_schema('${files[0]}') WHERE name <> 'duckdb_schema' AND num_children IS NULL`,
    );
    const schema = schemaResult.getRows().map((r) => ({ name: String(r[0]), physical: String(r[1]), logical: String(r[2]) }));
    const perFile: number[] = [];
    for (const f of files) {
      const count = await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${f}')`);
      perFile.push(Number(count.getRows()[0][0]));
    }
    return { rows, schema, perFile };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
