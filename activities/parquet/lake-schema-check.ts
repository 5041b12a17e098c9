/**
 * The schema gate: a Parquet file's schema, read back by DuckDB
 * (`parquet_schema`, `parquet_metadata`), compared with the stream's declared
 * lake schema (config/lake-schema.ts): column names and order, physical and
 * logical types, nesting, nullability. A difference is a `schema_change`
 * naming the file, the column, the declared and the found type.
 *
 * Types are compared as readers understand them: a logical type, else the
 * legacy converted type (UTF8 is STRING); a timestamp or time with only a
 * converted type is a difference, since readers disagree on its time zone
 * (DuckDB reads it naive, Spark as UTC); INT64 with or without an
 * INT(64, signed) annotation is INT64; a DECIMAL is its precision and scale
 * whatever its physical type; a map is MAP<key, value> (the deprecated
 * MAP_KEY_VALUE annotation and the value's repetition are not compared).
 * Nullability: a column declared never-null must be REQUIRED or hold no null
 * (DuckDB cannot write REQUIRED columns); a nullable column may be REQUIRED.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../config/failures';
import { lakeTypeText, type LakeColumn } from '../../config/lake-schema';
import { sqlIdent, sqlString, type DuckDBSession } from './duckdb-session';

export interface ParquetNode {
  name: string;
  /** Physical type of a leaf; null for a group. */
  physical: string | null;
  repetition: string;
  /** Normalised annotation: STRING, DATE, TIMESTAMP(MILLIS,UTC), DECIMAL(15,2), INT(64,signed), MAP, … or ''. */
  annotation: string;
  children: ParquetNode[];
}

const UNIT = /(MILLIS|MICROS|NANOS)=(?!<null>)/;

/** A schema element's annotation from its logical type, else its converted type. */
export function annotationOf(converted: string | null, logical: string | null, scale: unknown, precision: unknown): string {
  if (logical) {
    const utc = /isAdjustedToUTC=(1|true)/i.test(logical) ? 'UTC' : 'local';
    const unit = UNIT.exec(logical)?.[1] ?? '?';
    if (logical.startsWith('TimestampType')) return `TIMESTAMP(${unit},${utc})`;
    if (logical.startsWith('TimeType')) return `TIME(${unit},${utc})`;
    if (logical.startsWith('DecimalType')) return `DECIMAL(${precision},${scale})`;
    if (logical.startsWith('StringType')) return 'STRING';
    if (logical.startsWith('DateType')) return 'DATE';
    if (logical.startsWith('MapType')) return 'MAP';
    if (logical.startsWith('ListType')) return 'LIST';
    if (logical.startsWith('UUIDType')) return 'UUID';
    if (logical.startsWith('JsonType')) return 'JSON';
    const int = /IntType\(bitWidth=(\d+), isSigned=(\d|true|false)/.exec(logical);
    if (int) return `INT(${int[1]},${int[2] === '1' || int[2] === 'true' ? 'signed' : 'unsigned'})`;
  }
  switch (converted) {
    case null:
    case undefined:
    case 'MAP_KEY_VALUE':
      return '';
    case 'UTF8':
      return 'STRING';
    // a converted-only timestamp: the spec says UTC, DuckDB reads it naive, so the contract wants the logical type
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
    case 'TIME_MILLIS':
    case 'TIME_MICROS':
      return `${converted} without a logical type`;
    case 'DECIMAL':
      return `DECIMAL(${precision},${scale})`;
    default: {
      const int = /^(U?)INT_(\d+)$/.exec(converted);
      return int ? `INT(${int[2]},${int[1] ? 'unsigned' : 'signed'})` : converted;
    }
  }
}

/** A node as a lake type is written (lakeTypeText), so the two compare as text. */
export function nodeTypeText(node: ParquetNode): string {
  const { physical, annotation, children } = node;
  if (physical !== null) {
    if (annotation.startsWith('DECIMAL')) return annotation;
    if (annotation === 'STRING' && physical === 'BYTE_ARRAY') return 'STRING';
    if ((annotation === 'DATE' && physical === 'INT32') || (annotation.startsWith('TIMESTAMP(') && physical === 'INT64')) return annotation;
    if (physical === 'INT64' && (annotation === '' || annotation === 'INT(64,signed)')) return 'INT64';
    if (physical === 'INT32' && (annotation === '' || annotation === 'INT(32,signed)')) return 'INT32';
    return annotation ? `${physical} ${annotation}` : physical;
  }
  const [entry] = children;
  if (annotation === 'MAP' && children.length === 1 && entry.repetition === 'REPEATED' && entry.children.length === 2) {
    const [key, value] = entry.children;
    if (key.name === 'key' && key.repetition === 'REQUIRED' && value.name === 'value' && value.repetition !== 'REPEATED') {
      return `MAP<${nodeTypeText(key)},${nodeTypeText(value)}>`;
    }
  }
  const members = children.map((c) => `${c.name}: ${c.repetition === 'OPTIONAL' ? '' : `${c.repetition.toLowerCase()} `}${nodeTypeText(c)}`);
  return `group${annotation ? `(${annotation})` : ''}{${members.join(', ')}}`;
}

/** The file's top-level columns as a tree, read from DuckDB's parquet_schema. */
export async function readParquetSchema(db: DuckDBSession, path: string): Promise<ParquetNode[]> {
  const rows = await db.rows(
    `SELECT name, type, repetition_type, num_children, converted_type, logical_type, scale, precision FROM parquet_schema(${sqlString(path)})`,
  );
  let at = 0;
  const take = (): ParquetNode => {
    const r = rows[at++];
    const n = Number(r.num_children ?? 0);
    const node: ParquetNode = {
      name: String(r.name),
      physical: n > 0 || r.type === null ? null : String(r.type),
      repetition: String(r.repetition_type ?? 'REQUIRED'),
      annotation: annotationOf(r.converted_type as string | null, r.logical_type as string | null, r.scale, r.precision),
      children: [],
    };
    for (let i = 0; i < n; i++) node.children.push(take());
    return node;
  };
  return take().children; // the root is the message itself
}

async function nullsIn(db: DuckDBSession, path: string, column: string): Promise<number> {
  const [stats] = await db.rows(
    `SELECT sum(stats_null_count) AS nulls, count(*) - count(stats_null_count) AS missing FROM parquet_metadata(${sqlString(path)}) WHERE path_in_schema = ${sqlString(column)}`,
  );
  if (stats && Number(stats.missing) === 0 && stats.nulls !== null) return Number(stats.nulls);
  const [scan] = await db.rows(`SELECT count(*) - count(${sqlIdent(column)}) AS nulls FROM read_parquet(${sqlString(path)})`);
  return Number(scan.nulls);
}

/** Every difference between a file's schema and the declared one, as `column …: declared …, found …` lines. */
export async function lakeSchemaProblems(db: DuckDBSession, path: string, declared: readonly LakeColumn[]): Promise<string[]> {
  const found = await readParquetSchema(db, path);
  const problems: string[] = [];
  const declaredNames = declared.map((c) => c.name);
  const foundNames = found.map((n) => n.name);
  for (const c of declared) {
    if (!foundNames.includes(c.name)) problems.push(`declared column ${c.name} ${lakeTypeText(c.type)} missing`);
  }
  for (const [i, node] of found.entries()) {
    if (!declaredNames.includes(node.name)) problems.push(`column ${node.name} ${nodeTypeText(node)} (position ${i + 1}) not declared`);
  }
  const common = foundNames.filter((n) => declaredNames.includes(n));
  const expectedOrder = declaredNames.filter((n) => foundNames.includes(n));
  const moved = common.findIndex((n, i) => n !== expectedOrder[i]);
  if (moved >= 0) problems.push(`column ${common[moved]} is out of order: declared order ${expectedOrder.join(', ')}`);
  for (const c of declared) {
    const node = found.find((n) => n.name === c.name);
    if (!node) continue;
    const want = lakeTypeText(c.type);
    const got = nodeTypeText(node);
    if (want !== got) problems.push(`column ${c.name}: declared ${want}, found ${got}`);
    else if (node.repetition === 'REPEATED') problems.push(`column ${c.name}: declared ${want}, found repeated ${got}`);
    else if (!c.nullable && node.repetition !== 'REQUIRED' && node.physical !== null) {
      const nulls = await nullsIn(db, path, c.name);
      if (nulls > 0) problems.push(`column ${c.name}: declared never null, found ${nulls} nulls`);
    }
  }
  return problems;
}

/** The schema_change failure for a file that differs from its declared schema. */
export function schemaChangeFailure(location: string, problems: string[]): ApplicationFailure {
  const shown = problems.slice(0, 6).join('; ');
  const more = problems.length > 6 ? `; and ${problems.length - 6} more` : '';
  return failure('schema_change', `schema change in ${location}: ${shown}${more}`);
}

/** Fails with schema_change when the file at `path` (named `location` in the message) differs from the declared schema. */
export async function assertLakeSchema(db: DuckDBSession, path: string, location: string, declared: readonly LakeColumn[]): Promise<void> {
  const problems = await lakeSchemaProblems(db, path, declared);
  if (problems.length) throw schemaChangeFailure(location, problems);
}
