/**
 * Rewriting rows already in the lake (reconciliation's merge) into the
 * declared lake schema with DuckDB: each declared column, in order, cast to
 * the DuckDB type that writes its lake type. DuckDB reads Airbyte's
 * TIMESTAMP(MILLIS, UTC) as TIMESTAMPTZ (microseconds), so without the cast
 * `_airbyte_emitted_at` would come back as TIMESTAMP(MICROS, UTC); the
 * writer marks the millisecond column UTC afterwards (parquet-footer-annotations.ts).
 */
import type { LakeColumn, LakeType } from '../../config/lake-schema';
import { sqlIdent } from './duckdb-session';

/** The DuckDB type whose Parquet output is the lake type. */
export function lakeDuckdbType(type: LakeType): string {
  switch (type.kind) {
    case 'string':
      return 'VARCHAR';
    case 'int64':
      return 'BIGINT';
    case 'int32':
      return 'INTEGER';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'date':
      return 'DATE';
    case 'timestamp':
      return type.unit === 'MILLIS' ? 'TIMESTAMP_MS' : 'TIMESTAMPTZ';
    case 'union':
      return `STRUCT(member0 ${lakeDuckdbType(type.member0)}, member1 ${lakeDuckdbType(type.member1)})`;
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
  }
}

/** `CAST("a" AS …) AS "a", …`: the declared columns of a relation that holds them, in declared order. */
export function lakeSelectList(lake: readonly LakeColumn[], alias = ''): string {
  const from = alias ? `${alias}.` : '';
  return lake.map((c) => `CAST(${from}${sqlIdent(c.name)} AS ${lakeDuckdbType(c.type)}) AS ${sqlIdent(c.name)}`).join(', ');
}
