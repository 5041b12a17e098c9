/**
 * The lake contract's acceptance: one prefix, days written by different
 * paths, read by downstream as one table.
 *
 * Day 1 is an Airbyte sync (the simulator's destination-s3 0.3.x writer),
 * day 2 the direct engine with DuckDB, day 3 the direct engine with
 * parquetjs-lite, all into the same `origin=airbyte` prefix of each ACODE
 * stream. Every file is then checked against the declared schema with
 * DuckDB's parquet_schema, the whole prefix is loaded with the column types
 * of `orchestrator lake-ddl` by position (no union_by_name), and every row of
 * every day is compared with the source. In `typed`, days written by the
 * direct engine keep exact decimals.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { promises as fs } from 'node:fs';
import { ACODE_FISCAL_TABLE, ACODE_STREAMS, BUCKETS, databasePrefix } from '../../config/pipelines';
import { lakeDdl } from '../../config/lake-ddl';
import { streamLakeSchema, type LakeColumn } from '../../config/lake-schema';
import { syncTable } from '../../activities/engine/extract-engine';
import { discoverColumns } from '../../activities/engine/extract-columns';
import { openDuckDB, sqlString } from '../../activities/parquet/duckdb-session';
import { lakeSchemaProblems } from '../../activities/parquet/lake-schema-check';
import { airbyteS3Sync } from '../../local/airbyte/airbyte-s3-writer';
import { runCli } from '../../client/cli';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { downloadPrefix, loadAsOneTable, parseTableDdl } from './lake-reader';

let db: MariaDbEnv;
let s3env: S3Env;
const primary = { system: 'acode', role: 'primary' } as const;
const DAYS = { airbyte: '2024-05-01', duckdb: '2024-05-02', parquetjs: '2024-05-03' } as const;
const STREAMS = ACODE_STREAMS.map((s) => s.name);

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 1200, radar: false }), startS3Env()]);
  const deps = { sources: db.sources, s3: s3env.s3, buckets: s3env.buckets };
  for (const stream of STREAMS) {
    const input = (date: string) => ({ ...primary, stream, date, bucket: 'bronze' as const });
    await airbyteS3Sync(deps, input(DAYS.airbyte), new AbortController().signal);
    await syncTable(deps, input(DAYS.duckdb), { writer: 'duckdb' });
    await syncTable(deps, input(DAYS.parquetjs), { writer: 'parquetjs' });
  }
}, 600_000);

afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

async function lakeSchema(stream: string, shape?: 'typed'): Promise<LakeColumn[]> {
  const found = await discoverColumns(db.sources.pool(primary), stream);
  return streamLakeSchema('acode', stream, found, shape)!;
}

/** `orchestrator lake-ddl --system acode`, with discovery against the test's MariaDB. */
async function cliDdl(): Promise<string> {
  let out = '';
  const code = await runCli(['lake-ddl', '--system', 'acode', '--format', 'athena'], {
    connect: () => Promise.reject(new Error('lake-ddl needs no Temporal')),
    out: (text) => (out += text),
    err: (text) => {
      throw new Error(text);
    },
    readInput: () => '',
    env: {},
    discover: (system, stream) => discoverColumns(db.sources.pool({ system, role: 'primary' }), stream),
  });
  expect(code).toBe(0);
  return out;
}

/** A lake column read back as text: dates and timestamps from member0 of the union, or the column itself. */
function asText(c: LakeColumn): string {
  const id = `"${c.name}"`;
  const t = c.type;
  const inner = t.kind === 'union' ? `${id}.member0` : id;
  const temporal = t.kind === 'union' ? t.member0 : t;
  if (temporal.kind === 'date') return `strftime(${inner}, '%Y-%m-%d')`;
  if (temporal.kind === 'timestamp') return `strftime(${inner}, '%Y-%m-%d %H:%M:%S')`;
  return `CAST(${id} AS VARCHAR)`;
}

async function sourceRows(stream: string, columns: LakeColumn[]): Promise<(string | null)[][]> {
  const names = columns.map((c) => `\`${c.name}\``).join(', ');
  const [rows] = await db.sources.pool(primary).query<RowDataPacket[]>({ sql: `SELECT ${names} FROM \`${stream}\` ORDER BY idpk`, rowsAsArray: true });
  return (rows as unknown as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))));
}

function expectSameValue(c: LakeColumn, landed: string | null, source: string | null, where: string): void {
  if (c.type.kind === 'double' && landed !== null && source !== null) {
    const [a, b] = [Number(landed), Number(source)];
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) throw new Error(`${where}: ${landed} ≠ ${source}`);
    return;
  }
  if (landed !== source) throw new Error(`${where}: ${JSON.stringify(landed)} ≠ ${JSON.stringify(source)}`);
}

describe.each(STREAMS)('%s: Airbyte, DuckDB and parquetjs-lite days in one prefix', (stream) => {
  const prefix = `${databasePrefix('acode')}${stream}/`;

  it('every file holds the declared schema, read back by DuckDB parquet_schema', async () => {
    const declared = await lakeSchema(stream);
    const { dir, files } = await downloadPrefix(s3env.s3, s3env.buckets.bronze, prefix);
    const session = await openDuckDB(dir);
    try {
      expect(files.map((f) => f.slice(dir.length + 1).split('/')[0])).toEqual(Object.values(DAYS).map((d) => `cog_dt_ingestion=${d}`));
      const shapes = new Set<string>();
      for (const file of files) {
        expect({ file, problems: await lakeSchemaProblems(session, file, declared) }).toEqual({ file, problems: [] });
        // independently of the gate's normalisation: the same names, order and physical types in every file
        const raw = await session.rows(`SELECT name, coalesce(type, 'group') AS type FROM parquet_schema(${sqlString(file)})`);
        shapes.add(raw.slice(1).map((r) => `${r.name}:${r.type}`).join(','));
      }
      expect(shapes.size).toBe(1);
    } finally {
      session.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads as one table with the lake-ddl column types and gives every source row of every day', async () => {
    const declared = await lakeSchema(stream);
    const ddl = parseTableDdl(await cliDdl(), stream);
    expect(ddl.location).toBe(`s3://${BUCKETS.bronze}/${prefix}`);
    expect(ddl.columns.map((c) => c.name)).toEqual(declared.map((c) => c.name));
    const { dir } = await downloadPrefix(s3env.s3, s3env.buckets.bronze, prefix);
    const table = await loadAsOneTable(dir, ddl);
    try {
      // every column and type the DDL declares is what DuckDB reads from each day of the prefix
      const declaredTypes = (await table.rows('DESCRIBE t')).map((c) => `${c.column_name} ${c.column_type}`);
      for (const date of Object.values(DAYS)) {
        const described = await table.rows(
          `DESCRIBE SELECT * FROM read_parquet('${dir}/cog_dt_ingestion=${date}/*.parquet', hive_partitioning = true, hive_types_autocast = false)`,
        );
        expect({ date, types: described.map((c) => `${c.column_name} ${c.column_type}`) }).toEqual({ date, types: declaredTypes });
      }

      const data = declared.filter((c) => c.source);
      const source = await sourceRows(stream, data);
      expect(source.length).toBe(db.acode.rowCounts[stream]);
      for (const date of Object.values(DAYS)) {
        const landed = await table.con.runAndReadAll(
          `SELECT ${data.map(asText).join(', ')} FROM t WHERE cog_dt_ingestion = ${sqlString(date)} ORDER BY idpk`,
        );
        const rows = landed.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
        expect(rows.length).toBe(source.length);
        rows.forEach((row, i) => row.forEach((v, j) => expectSameValue(data[j], v, source[i][j], `${date} row ${i} ${data[j].name}`)));
      }
    } finally {
      table.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

test('typed: days of the direct engine in one prefix keep exact decimals', async () => {
  const deps = { sources: db.sources, s3: s3env.s3, buckets: s3env.buckets };
  const backup = { system: 'acode', role: 'backup', stream: ACODE_FISCAL_TABLE, bucket: 'backup' } as const;
  for (const date of ['2024-06-01', '2024-06-02']) await syncTable(deps, { ...backup, date }, { shape: 'typed' });
  const declared = await lakeSchema(ACODE_FISCAL_TABLE, 'typed');
  const ddl = parseTableDdl(lakeDdl([{ system: 'acode', stream: ACODE_FISCAL_TABLE, columns: declared }], 'b', 'athena', 'typed'), ACODE_FISCAL_TABLE);
  expect(ddl.columns.find((c) => c.name === 'ACODE_Val_Total')?.type).toBe('decimal(15,2)');
  const { dir } = await downloadPrefix(s3env.s3, s3env.buckets.backup, `${databasePrefix('acode')}${ACODE_FISCAL_TABLE}/`);
  const table = await loadAsOneTable(dir, ddl);
  try {
    const data = declared.filter((c) => c.source);
    const [rows] = await db.sources
      .pool({ system: 'acode', role: 'backup' })
      .query<RowDataPacket[]>({ sql: `SELECT ${data.map((c) => `\`${c.name}\``).join(', ')} FROM ${ACODE_FISCAL_TABLE} ORDER BY idpk`, rowsAsArray: true });
    const source = (rows as unknown as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))));
    for (const date of ['2024-06-01', '2024-06-02']) {
      const landed = await table.con.runAndReadAll(`SELECT ${data.map(asText).join(', ')} FROM t WHERE cog_dt_ingestion = '${date}' ORDER BY idpk`);
      // exact: DECIMAL(15,2) read back as text equals the source's text, digit for digit
      expect(landed.getRows().map((r) => r.map((v) => (v === null ? null : String(v))))).toEqual(source);
    }
  } finally {
    table.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 300_000);
