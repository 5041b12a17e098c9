/**
 * Which columns a direct sync writes, and with which exact types.
 *
 * The source is the truth for types: every column is read from
 * information_schema, so a decimal stays the decimal it is in MySQL. The
 * pipeline config decides which columns must be there:
 * - a stream with known columns (the fiscal and product tables) requires each
 *   of them; a missing one or an extra source column the config does not know
 *   is a schema change, reported as `schema_change` so recovery's manual path
 *   looks at it before data with a different shape lands in bronze;
 * - a stream whose columns are [] (ACODE's complement table, Radar's tables)
 *   carries every column the source has.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { StreamSpec } from '../../config/pipelines';
import { identifierProblem, isIdentifier } from '../../config/identifiers';
import { declaredSourceColumns, lakeTypeOf, lakeTypeText, type LakeShape, type SourceColumn, type SourceColumnType } from '../../config/lake-schema';

/** A source column's type; covers what MySQL tables hold (its owner is the lake contract, config/lake-schema.ts). */
export type ExtractColumnType = SourceColumnType;
export type ExtractColumn = SourceColumn;

/** A MySQL table or column name safe to quote with backticks (config/identifiers.ts); throws naming what is wrong. */
export function assertIdentifier(value: unknown, what: string): string {
  if (!isIdentifier(value)) throw new InvalidIdentifierError(identifierProblem(what, value));
  return value;
}

export class InvalidIdentifierError extends Error {}

/** The source's columns differ from the ones the pipeline config requires. */
export class SchemaChangeError extends Error {
  constructor(
    message: string,
    readonly missing: string[],
    readonly extra: string[],
  ) {
    super(message);
  }
}

export class TableNotFoundError extends Error {}

interface InformationSchemaColumn extends RowDataPacket {
  name: string;
  dataType: string;
  columnType: string;
  isNullable: string;
  numericPrecision: string | number | null;
  numericScale: string | number | null;
}

/** Maps an information_schema column to its exact Parquet-facing type. */
export function mapMysqlType(dataType: string, columnType: string, precision: number | null, scale: number | null): ExtractColumnType {
  const unsigned = /unsigned/i.test(columnType);
  switch (dataType.toLowerCase()) {
    case 'tinyint':
      return /^tinyint\(1\)/i.test(columnType) ? { kind: 'boolean' } : { kind: 'int' };
    case 'bool':
    case 'boolean':
      return { kind: 'boolean' };
    case 'smallint':
    case 'mediumint':
      return { kind: 'int' };
    case 'year':
      // source-mysql reads YEAR as text, and so does the lake (airbyte-s3-v0)
      return { kind: 'string' };
    case 'int':
    case 'integer':
      return unsigned ? { kind: 'bigint' } : { kind: 'int' };
    case 'bigint':
      // an unsigned bigint may exceed INT64: keep it exact as DECIMAL(20,0)
      return unsigned ? { kind: 'decimal', precision: 20, scale: 0 } : { kind: 'bigint' };
    case 'decimal':
    case 'numeric':
      return { kind: 'decimal', precision: precision ?? 10, scale: scale ?? 0 };
    case 'float':
    case 'double':
    case 'real':
      return { kind: 'double' };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
    case 'timestamp':
      return { kind: 'datetime' };
    default:
      // char, varchar, text, enum, set, json, time, bit, binary kinds: carried as UTF-8 text
      // (TIME: Airbyte writes {member0: TIME_MICROS, member1: string}; not matched yet, the schema gate would say so)
      return { kind: 'string' };
  }
}

/** The table's columns in ordinal order, read from information_schema. */
export async function discoverColumns(pool: Pool, table: string): Promise<ExtractColumn[]> {
  const [rows] = await pool.query<InformationSchemaColumn[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS isNullable,
            NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [table],
  );
  if (rows.length === 0) throw new TableNotFoundError(`table ${table} not found in the source database`);
  return rows.map((r) => ({
    name: r.name,
    type: mapMysqlType(
      r.dataType,
      r.columnType,
      r.numericPrecision === null ? null : Number(r.numericPrecision),
      r.numericScale === null ? null : Number(r.numericScale),
    ),
    nullable: r.isNullable === 'YES',
  }));
}

/** The columns to write: the config's required set checked against the source (names, and lake types in `shape`), or everything discovered. */
export function resolveColumns(spec: StreamSpec, discovered: ExtractColumn[], shape?: LakeShape): ExtractColumn[] {
  for (const c of discovered) assertIdentifier(c.name, `column of ${spec.name}`);
  if (spec.columns.length === 0) return discovered;
  const sourceNames = new Set(discovered.map((c) => c.name.toLowerCase()));
  const knownNames = new Set(spec.columns.map((c) => c.name.toLowerCase()));
  const missing = spec.columns.filter((c) => !sourceNames.has(c.name.toLowerCase())).map((c) => c.name);
  const extra = discovered.filter((c) => !knownNames.has(c.name.toLowerCase())).map((c) => c.name);
  if (missing.length || extra.length) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      extra.length ? `unknown ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new SchemaChangeError(`schema change in ${spec.name}: ${parts.join('; ')}`, missing, extra);
  }
  if (shape) {
    // a source column whose type no longer maps to the declared lake type: the lake's schema would change
    const declared = new Map((declaredSourceColumns(spec) ?? []).map((c) => [c.name.toLowerCase(), c]));
    const changed = discovered.flatMap((c) => {
      const want = lakeTypeText(lakeTypeOf(declared.get(c.name.toLowerCase())!.type, shape));
      const got = lakeTypeText(lakeTypeOf(c.type, shape));
      return want === got ? [] : [`column ${c.name}: declared ${want}, found ${got} (source ${c.type.kind})`];
    });
    if (changed.length) throw new SchemaChangeError(`schema change in ${spec.name}: ${changed.join('; ')}`, [], []);
  }
  return discovered;
}
