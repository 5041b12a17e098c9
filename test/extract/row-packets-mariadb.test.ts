/**
 * CSV made straight from MySQL row packets (the DuckDB writer's input)
 * against a real MariaDB: every kind of text and byte value lands exactly,
 * and the pooled connection is left usable.
 */
import { promises as fs } from 'node:fs';
import type { PoolConnection } from 'mysql2';
import type { RowDataPacket } from 'mysql2/promise';
import { ACODE_FISCAL_TABLE, partitionPrefix } from '../../config/pipelines';
import type { ExtractColumn } from '../../activities/engine/extract-columns';
import { syncTable } from '../../activities/engine/extract-engine';
import { csvChunks } from '../../activities/engine/extract-row-source';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
import { startS3Env, type S3Env } from '../helpers/s3-env';
import { downloadParquetFiles, readParquetAsText } from './partition-reader';

let db: MariaDbEnv;
let s3env: S3Env;
const DATE = '2024-03-05';
const primary = { system: 'acode', role: 'primary' } as const;
const BIG_IDPK = '9007199254740993';
const NAME = 'Farmácia "São", João\nLtda';

async function admin(sql: string, params: unknown[] = []): Promise<void> {
  await db.pair.primary.withAdmin((conn) => conn.query(sql, params).then(() => undefined), 'acode_farmarcas');
}

beforeAll(async () => {
  [db, s3env] = await Promise.all([startMariaDbEnv({ fiscalRows: 20, radar: false }), startS3Env()]);
}, 180_000);

afterAll(async () => {
  await s3env?.shutdown();
  await db?.close();
});

it('carries text, binary, JSON, TIME, YEAR and BIT values exactly (CSV from row packets): quotes, commas, CR/LF, empty, long', async () => {
  const table = 'extract_types_probe';
  await admin(`DROP TABLE IF EXISTS ${table}`);
  await admin(
    `CREATE TABLE ${table} (id INT PRIMARY KEY, txt MEDIUMTEXT NULL, bin VARBINARY(64) NULL, doc JSON NULL, t TIME(1) NULL, y YEAR NULL, b BIT(8) NULL)`,
  );
  const texts = ['', '"', ',', 'a\rb', 'line\nnext', ' padded ', 'back\\slash', 'say "hi", ok', 'ç'.repeat(200), 'x'.repeat(70_000), null];
  for (const [i, txt] of texts.entries()) {
    await admin(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      i + 1,
      txt,
      i % 3 === 0 ? null : Buffer.from([0, 255, 34, 44, 10, i]),
      i % 2 === 0 ? null : JSON.stringify({ k: txt, n: i }),
      i % 2 === 0 ? '-838:59:59.0' : '12:34:56.5',
      2000 + i,
      i,
    ]);
  }
  await admin(`INSERT INTO ${table} (id, bin) VALUES (99, X'')`); // an empty binary value, not NULL
  const result = await syncTable({ sources: db.sources, s3: s3env.s3, buckets: s3env.buckets }, { ...primary, stream: table, date: DATE, bucket: 'bronze' });
  expect(result.rows).toBe(texts.length + 1);
  const [source] = await db.sources.pool(primary).query<RowDataPacket[]>({
    sql: `SELECT id, txt, TO_BASE64(bin), CAST(doc AS CHAR), CAST(t AS CHAR), y, TO_BASE64(b) FROM ${table} ORDER BY id`,
    rowsAsArray: true,
  });
  const expected = (source as unknown as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))));
  const { dir, files } = await downloadParquetFiles(s3env.s3, s3env.buckets.bronze, partitionPrefix('acode', table, DATE));
  try {
    const landed = await readParquetAsText(files, ['id', 'txt', 'bin', 'doc', 't', 'y', 'b'], 'id');
    expect(landed.rows).toEqual(expected);
    expect(landed.rows[0][1]).toBe(''); // an empty string stays empty, not NULL
    expect(landed.rows[texts.length - 1][1]).toBeNull();
    expect(landed.rows[texts.length][2]).toBe(''); // empty binary
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    await admin(`DROP TABLE ${table}`);
  }
});

it('reads the DuckDB writer\'s rows as CSV straight from the row packets on a pooled connection', async () => {
  const connection = await db.sources.pool(primary).getConnection();
  try {
    const core = (connection as unknown as { connection: PoolConnection }).connection;
    const columns: ExtractColumn[] = [
      { name: 'idpk', type: { kind: 'bigint' }, nullable: false },
      { name: 'Fornecedor', type: { kind: 'string' }, nullable: true },
    ];
    await admin(`INSERT INTO ${ACODE_FISCAL_TABLE} (idpk, Fornecedor) VALUES (9000001, NULL), (${BIG_IDPK}, ?)`, [NAME]);
    const chunks = csvChunks(core, `SELECT idpk, Fornecedor FROM ${ACODE_FISCAL_TABLE} WHERE idpk IN (9000001, ${BIG_IDPK}) ORDER BY idpk`, columns, {
      chunkRows: 1,
      chunkBytes: 1024,
    });
    expect(chunks).toBeDefined();
    const csv: string[] = [];
    for await (const chunk of chunks!) csv.push(chunk.csv.toString('utf8'));
    expect(csv).toEqual(['9000001,\n', `${BIG_IDPK},"Farmácia ""São"", João\nLtda"\n`]);
    // the connection went back to work unpaused: the next query on it answers
    const [rows] = await connection.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  } finally {
    connection.release();
  }
});
