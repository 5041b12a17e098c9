/**
 * Reading the end state of a scenario: objects under a bucket/prefix, the keys
 * of the Parquet rows there (read back with a DuckDB instance of the test's own)
 * and the keys of a source table in MariaDB.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MysqlSources } from '../../activities/mysql/mysql-sources';
import type { SourceRole } from '../../config/pipelines';

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of out.Contents ?? []) keys.push(o.Key as string);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Every value of `column` in the Parquet files under bucket/prefix, in file order (duplicates kept). */
export async function parquetColumn(s3: S3Client, bucket: string, prefix: string, column = 'idpk'): Promise<string[]> {
  const keys = (await listKeys(s3, bucket, prefix)).filter((k) => k.endsWith('.parquet'));
  if (keys.length === 0) return [];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scenario-read-'));
  try {
    const files: string[] = [];
    for (const [i, key] of keys.entries()) {
      const file = path.join(dir, `${i}.parquet`);
      await fs.writeFile(file, await readObject(s3, bucket, key));
      files.push(file);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      const list = files.map((f) => `'${f}'`).join(', ');
      const result = await con.runAndReadAll(`SELECT CAST("${column}" AS VARCHAR) FROM read_parquet([${list}])`);
      return result.getRows().map((r) => String(r[0]));
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Every primary key of an ACODE table in the given source, as text. */
export async function sourceKeys(sources: MysqlSources, role: SourceRole, table: string, key = 'idpk'): Promise<string[]> {
  const pool = sources.pool({ system: 'acode', role });
  const [rows] = await pool.query(`SELECT CAST(\`${key}\` AS CHAR) AS k FROM \`${table}\``);
  return (rows as { k: string }[]).map((r) => r.k);
}

export const sorted = (values: string[]) => [...values].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
