/**
 * Both Parquet writers write the declared lake schema, read back by DuckDB's
 * parquet_schema (names, order, physical and logical types, repetition) and
 * values: Avro's `{member0, member1}` unions (a zero date NULL, an unparsable
 * one kept as text in member1), decimals as DOUBLE, the metadata columns
 * around the data. A writer that cannot write a shape is refused before any
 * work, in one line.
 */
import { ApplicationFailure } from '@temporalio/common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lakeSchemaOf, type SourceColumn } from '../../config/lake-schema';
import { createExtractActivities } from '../../activities/engine/extract';
import { createDuckDbWriterFactory } from '../../activities/parquet/parquet-writer-duckdb';
import { createParquetjsWriterFactory } from '../../activities/parquet/parquet-writer-parquetjs';
import type { ParquetWriterFactory } from '../../activities/parquet/parquet-writer';
import { openDuckDB, sqlString, type DuckDBSession } from '../../activities/parquet/duckdb-session';
import { lakeSchemaProblems } from '../../activities/parquet/lake-schema-check';

const COLUMNS: SourceColumn[] = [
  { name: 'idpk', type: { kind: 'bigint' }, nullable: false },
  { name: 'Valor', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
  { name: 'Data', type: { kind: 'date' }, nullable: true },
  { name: 'Quando', type: { kind: 'datetime' }, nullable: true },
  { name: 'Ativo', type: { kind: 'boolean' }, nullable: true },
  { name: 'Nome', type: { kind: 'string' }, nullable: true },
];
const ROWS: unknown[][] = [
  [1, '1234567890123.45', '2024-01-31', '2024-01-31 23:59:58', 1, 'Farmácia "São João", Ltda'],
  [2, '-0.01', '0000-00-00', '0000-00-00 00:00:00', 0, ''],
  [3, null, null, null, null, null],
  [4, '0.10', '1969-12-31', '1970-01-01 00:00:00', 1, 'linha\nnova'],
];
const EMITTED_AT = Date.UTC(2024, 1, 1, 3, 10, 0, 123);
const lake = lakeSchemaOf(COLUMNS, 'airbyte-s3-v0');

let dir: string;
let db: DuckDBSession;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lake-writers-'));
  db = await openDuckDB(dir);
  await db.run("SET TimeZone = 'UTC'");
});
afterAll(async () => {
  db.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeWith(factory: ParquetWriterFactory): Promise<string> {
  const file = path.join(dir, `${factory.name}.parquet`);
  try {
    const writer = await factory.open({ path: file, columns: COLUMNS, lake, abIdPrefix: '0123abcd-0000-4000-8000-', firstRowNumber: 1, emittedAtMs: EMITTED_AT });
    await writer.write(ROWS);
    await writer.finish();
  } finally {
    await factory.close();
  }
  return file;
}

describe.each([
  ['duckdb', () => createDuckDbWriterFactory({ workDir: dir })],
  ['parquetjs', async () => createParquetjsWriterFactory()],
] as const)('the %s writer', (name, create) => {
  let file: string;
  beforeAll(async () => {
    file = await writeWith(await create());
  });

  it('writes the declared schema, as DuckDB parquet_schema reads it', async () => {
    expect(await lakeSchemaProblems(db, file, lake)).toEqual([]);
    const schema = await db.rows(`SELECT name, type, repetition_type, logical_type FROM parquet_schema(${sqlString(file)})`);
    expect(schema.slice(1).map((r) => r.name)).toEqual([
      '_airbyte_ab_id', '_airbyte_emitted_at', 'idpk', 'Valor', 'Data', 'member0', 'member1', 'Quando', 'member0', 'member1',
      'Ativo', 'Nome', '_airbyte_additional_properties', 'key_value', 'key', 'value',
    ]);
    const emitted = schema.find((r) => r.name === '_airbyte_emitted_at')!;
    expect(emitted.type).toBe('INT64');
    expect(String(emitted.logical_type)).toMatch(/^TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=MilliSeconds\(\)/);
    expect(schema.find((r) => r.name === 'Valor')!.type).toBe('DOUBLE');
    if (name === 'parquetjs') expect(schema.find((r) => r.name === '_airbyte_ab_id')!.repetition_type).toBe('REQUIRED');
  });

  it('holds the source values: unions, doubles, booleans, text, the metadata', async () => {
    const rows = await db.rows(
      `SELECT idpk, Valor, strftime(Data.member0, '%Y-%m-%d') AS d, Data.member1 AS d_text, strftime(Quando.member0, '%Y-%m-%d %H:%M:%S') AS q,
              Data IS NULL AS no_date, Ativo, Nome, _airbyte_ab_id, epoch_ms(_airbyte_emitted_at) AS emitted,
              _airbyte_additional_properties IS NULL AS no_props
         FROM read_parquet(${sqlString(file)}) ORDER BY idpk`,
    );
    expect(rows.map((r) => [r.idpk, r.Valor, r.d, r.q, r.no_date, r.Ativo, r.Nome])).toEqual([
      ['1', 1234567890123.45, '2024-01-31', '2024-01-31 23:59:58', false, true, 'Farmácia "São João", Ltda'],
      ['2', -0.01, null, null, true, false, ''],
      ['3', null, null, null, true, null, null],
      ['4', 0.1, '1969-12-31', '1970-01-01 00:00:00', false, true, 'linha\nnova'],
    ]);
    expect(rows.every((r) => r.d_text === null && r.no_props === true)).toBe(true);
    expect(rows.map((r) => r._airbyte_ab_id)).toEqual([1, 2, 3, 4].map((n) => `0123abcd-0000-4000-8000-${n.toString(16).padStart(12, '0')}`));
    expect(rows.every((r) => String(r.emitted) === String(EMITTED_AT))).toBe(true);
  });
});

test.each([
  ['duckdb', () => createDuckDbWriterFactory({ workDir: dir })],
  ['parquetjs', async () => createParquetjsWriterFactory()],
] as const)("%s: an unparsable date is kept as its text in member1, as Avro's [null, date, string] union keeps it", async (name, create) => {
  const factory = await create();
  const file = path.join(dir, `text-date-${name}.parquet`);
  try {
    const writer = await factory.open({ path: file, columns: COLUMNS, lake, abIdPrefix: '0123abcd-0000-4000-8000-', firstRowNumber: 1, emittedAtMs: EMITTED_AT });
    await writer.write([[9, '1', '2024-13-45x', 'not a time', 1, 'x']]);
    await writer.finish();
  } finally {
    await factory.close();
  }
  const [row] = await db.rows(`SELECT Data.member0 AS d0, Data.member1 AS d1, Quando.member1 AS q1 FROM read_parquet(${sqlString(file)})`);
  expect(row).toEqual({ d0: null, d1: '2024-13-45x', q1: 'not a time' });
});

test('parquetjs-lite cannot write the typed shape: refused at worker start-up, in one line', () => {
  let error: unknown;
  try {
    createExtractActivities({ sources: {} as never, s3: {} as never, options: { writer: 'parquetjs', shape: 'typed' } });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect((error as ApplicationFailure).type).toBe('invalid_input');
  expect((error as ApplicationFailure).message).toBe(
    'worker start-up: the parquetjs Parquet writer cannot write the typed lake shape (it writes airbyte-s3-v0); choose another writer or migrate the shape',
  );
  expect(() => createExtractActivities({ sources: {} as never, s3: {} as never, options: { writer: 'duckdb', shape: 'typed' } })).not.toThrow();
});
