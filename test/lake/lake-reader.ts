/**
 * A reader of the lake as downstream reads it, for the contract's tests: a
 * stream's whole prefix (every `cog_dt_ingestion=` partition) downloaded with
 * its folders, loaded by a DuckDB instance of the test's own into a table
 * whose column types are translated from the `lake-ddl` output, by position,
 * without union_by_name — as a Glue table reads the files.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listKeys } from '../extract/partition-reader';

/** `struct<member0:date,member1:string>` (Athena) → `STRUCT(member0 DATE, member1 VARCHAR)` (DuckDB). */
export function athenaToDuckdb(type: string): string {
  const t = type.trim();
  const struct = /^struct<(.*)>$/i.exec(t);
  if (struct) {
    const fields = splitTop(struct[1]).map((f) => {
      const at = f.indexOf(':');
      return `${f.slice(0, at).trim()} ${athenaToDuckdb(f.slice(at + 1))}`;
    });
    return `STRUCT(${fields.join(', ')})`;
  }
  const map = /^map<(.*)>$/i.exec(t);
  if (map) return `MAP(${splitTop(map[1]).map(athenaToDuckdb).join(', ')})`;
  const simple: Record<string, string> = {
    string: 'VARCHAR',
    bigint: 'BIGINT',
    int: 'INTEGER',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    // a UTC-adjusted Parquet timestamp, as DuckDB reads it
    timestamp: 'TIMESTAMP WITH TIME ZONE',
  };
  if (simple[t.toLowerCase()]) return simple[t.toLowerCase()];
  const decimal = /^decimal\((\d+),(\d+)\)$/i.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  throw new Error(`no DuckDB type for DDL type ${type}`);
}

function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<' || text[i] === '(') depth++;
    else if (text[i] === '>' || text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export interface DdlColumn {
  name: string;
  type: string;
}

/** The columns of one `CREATE EXTERNAL TABLE` statement of the lake-ddl output, and its LOCATION. */
export function parseTableDdl(ddl: string, table: string): { columns: DdlColumn[]; location: string; partition: DdlColumn } {
  const start = ddl.indexOf(`.\`${table}\` (\n`);
  if (start < 0) throw new Error(`no CREATE EXTERNAL TABLE for ${table}`);
  const body = ddl.slice(ddl.indexOf('\n', start) + 1, ddl.indexOf('\n)\n', start));
  const columns = body.split(',\n').map((line) => {
    const m = /^\s*`([^`]+)`\s+(.+?)\s*$/.exec(line)!;
    return { name: m[1], type: m[2] };
  });
  const rest = ddl.slice(start);
  const partition = /PARTITIONED BY \(`([^`]+)` (\w+)\)/.exec(rest)!;
  return { columns, location: /LOCATION '([^']+)'/.exec(rest)![1], partition: { name: partition[1], type: partition[2] } };
}

/** Downloads every object under `prefix` into a directory, keeping the partition folders; returns the Parquet files. */
export async function downloadPrefix(s3: S3Client, bucket: string, prefix: string): Promise<{ dir: string; files: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lake-reader-'));
  const files: string[] = [];
  for (const o of await listKeys(s3, bucket, prefix)) {
    const local = path.join(dir, o.key.slice(prefix.length));
    await fs.mkdir(path.dirname(local), { recursive: true });
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.key }));
    await fs.writeFile(local, Buffer.from(await body.Body!.transformToByteArray()));
    if (local.endsWith('.parquet')) files.push(local);
  }
  return { dir, files: files.sort() };
}

export interface LakeTable {
  con: DuckDBConnection;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Creates table `t` with the DDL's column types and loads every file of the prefix into it by position. */
export async function loadAsOneTable(dir: string, ddl: { columns: DdlColumn[]; partition: DdlColumn }): Promise<LakeTable> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run("SET TimeZone = 'UTC'");
  const defs = [...ddl.columns, ddl.partition].map((c) => `"${c.name}" ${athenaToDuckdb(c.type)}`);
  await con.run(`CREATE TABLE t (${defs.join(', ')})`);
  await con.run(`INSERT INTO t SELECT * FROM read_parquet('${dir}/*/*.parquet', hive_partitioning = true, hive_types_autocast = false)`);
  return {
    con,
    rows: async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    close: () => {
      con.closeSync();
      instance.closeSync();
    },
  };
}
