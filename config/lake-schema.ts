/**
 * The lake contract: the Parquet schema every file of a stream's partitions
 * holds, whoever writes it (either engine, either writer, reconciliation).
 * Pure data and pure functions: workflows, the CLI and the writers import it.
 *
 * A stream's lake schema is derived from its source columns and the
 * pipeline's *shape*:
 * - `airbyte-s3-v0`: what Airbyte's destination-s3 0.3.x writes with
 *   source-mysql 1.0.x (JSON schema → Avro → Parquet), the shape of the
 *   years of partitions already in the bronze prefixes: integers INT64,
 *   DECIMAL/FLOAT/DOUBLE as DOUBLE, DATE and DATETIME as the Avro union of
 *   the logical type and string (a group `{member0, member1}`), text STRING.
 * - `typed`: exact DECIMAL, DATE and TIMESTAMP, for a lake that starts fresh.
 * Both carry Airbyte's metadata columns: `_airbyte_ab_id` (STRING, never
 * null) first, `_airbyte_emitted_at` (TIMESTAMP(MILLIS, UTC), never null)
 * second, the source columns in order, `_airbyte_additional_properties`
 * (an optional map<string,string>, always null) last.
 *
 * Changing a pipeline's shape is a migration (README, "The lake contract"),
 * never a side effect of switching engines or writers.
 */
import { declaredStream, type ColumnType, type StreamSpec, type SystemName } from './pipelines';

export const LAKE_SHAPES = ['airbyte-s3-v0', 'typed'] as const;
export type LakeShape = (typeof LAKE_SHAPES)[number];

export function isLakeShape(value: unknown): value is LakeShape {
  return typeof value === 'string' && (LAKE_SHAPES as readonly string[]).includes(value);
}

/**
 * The shape each pipeline's lake holds: stated once, here. Both bronze
 * databases hold Airbyte-written years, so both keep Airbyte's shape.
 */
export const PIPELINE_LAKE_SHAPE: Readonly<Record<SystemName, LakeShape>> = {
  acode: 'airbyte-s3-v0',
  radar: 'airbyte-s3-v0',
};

/** A source column's type as discovered from MySQL's information_schema (one owner: the engine and the simulator read it). */
export type SourceColumnType =
  | { kind: 'bigint' }
  | { kind: 'int' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'double' }
  | { kind: 'string' }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'boolean' };

export interface SourceColumn {
  name: string;
  type: SourceColumnType;
  nullable: boolean;
}

/** A column's type in the lake, as readers see it. Timestamps and times are UTC-adjusted. */
export type LakeType =
  | { kind: 'string' }
  | { kind: 'int64' }
  | { kind: 'int32' }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'date' }
  | { kind: 'timestamp'; unit: 'MILLIS' | 'MICROS' }
  /** Avro's union of a logical type and string: a group of two optional members. */
  | { kind: 'union'; member0: LakeType; member1: LakeType }
  /** map<string,string>: Airbyte's additional properties. */
  | { kind: 'map' };

export interface LakeColumn {
  name: string;
  type: LakeType;
  /** false: never null (Airbyte writes these REQUIRED). */
  nullable: boolean;
  /** The source column it holds; absent for the metadata columns. */
  source?: SourceColumn;
}

export const AB_ID_COLUMN = '_airbyte_ab_id';
export const EMITTED_AT_COLUMN = '_airbyte_emitted_at';
export const ADDITIONAL_PROPERTIES_COLUMN = '_airbyte_additional_properties';
export const METADATA_COLUMNS: readonly string[] = [AB_ID_COLUMN, EMITTED_AT_COLUMN, ADDITIONAL_PROPERTIES_COLUMN];

const STRING: LakeType = { kind: 'string' };
const union = (member0: LakeType): LakeType => ({ kind: 'union', member0, member1: STRING });

/** Widest decimal Parquet readers (Athena, Spark, DuckDB) take as DECIMAL. */
export const MAX_LAKE_DECIMAL_PRECISION = 38;

/** The lake type of a source column in a shape. */
export function lakeTypeOf(type: SourceColumnType, shape: LakeShape): LakeType {
  if (shape === 'airbyte-s3-v0') {
    switch (type.kind) {
      case 'bigint':
      case 'int':
        return { kind: 'int64' }; // 0.4.0's INT64; readers declare bigint
      case 'decimal':
      case 'double':
        return { kind: 'double' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'date':
        return union({ kind: 'date' });
      case 'datetime':
        return union({ kind: 'timestamp', unit: 'MICROS' });
      case 'string':
        return STRING;
    }
  }
  switch (type.kind) {
    case 'bigint':
      return { kind: 'int64' };
    case 'int':
      return { kind: 'int32' };
    case 'decimal':
      return type.precision <= MAX_LAKE_DECIMAL_PRECISION ? { kind: 'decimal', precision: type.precision, scale: type.scale } : STRING;
    case 'double':
      return { kind: 'double' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
      return { kind: 'timestamp', unit: 'MICROS' };
    case 'string':
      return STRING;
  }
}

/** The declared lake schema of a stream: metadata columns around the source columns, in order. */
export function lakeSchemaOf(columns: readonly SourceColumn[], shape: LakeShape): LakeColumn[] {
  return [
    { name: AB_ID_COLUMN, type: STRING, nullable: false },
    { name: EMITTED_AT_COLUMN, type: { kind: 'timestamp', unit: 'MILLIS' }, nullable: false },
    ...columns.map((c) => ({ name: c.name, type: lakeTypeOf(c.type, shape), nullable: true, source: c })),
    { name: ADDITIONAL_PROPERTIES_COLUMN, type: { kind: 'map' }, nullable: true },
  ];
}

/** `group{member0: DATE, member1: STRING}`: a lake type as messages and the README name it. */
export function lakeTypeText(type: LakeType): string {
  switch (type.kind) {
    case 'string':
      return 'STRING';
    case 'int64':
      return 'INT64';
    case 'int32':
      return 'INT32';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'date':
      return 'DATE';
    case 'timestamp':
      return `TIMESTAMP(${type.unit},UTC)`;
    case 'union':
      return `group{member0: ${lakeTypeText(type.member0)}, member1: ${lakeTypeText(type.member1)}}`;
    case 'map':
      return 'MAP<STRING,STRING>';
  }
}

/** A pipeline column's source type (config's varchar and text are text). */
export function sourceTypeOfColumn(type: ColumnType): SourceColumnType {
  switch (type.kind) {
    case 'varchar':
    case 'text':
      return { kind: 'string' };
    default:
      return type;
  }
}

/** The columns config declares for a stream, as source columns; undefined for a stream whose columns are discovered. */
export function declaredSourceColumns(spec: Pick<StreamSpec, 'columns'> | undefined): SourceColumn[] | undefined {
  if (!spec || spec.columns.length === 0) return undefined;
  return spec.columns.map((c) => ({ name: c.name, type: sourceTypeOfColumn(c.type), nullable: c.nullable }));
}

/**
 * A stream's declared lake schema: from the columns config declares for it
 * (ACODE's fiscal and product tables), else from the columns discovered in
 * the source (ACODE's complement table and Radar's tables, whose columns the
 * seeds leave to discovery, as Airbyte's catalogue does); undefined when
 * neither is known.
 */
export function streamLakeSchema(
  system: SystemName,
  stream: string,
  discovered?: readonly SourceColumn[],
  shape: LakeShape = PIPELINE_LAKE_SHAPE[system],
): LakeColumn[] | undefined {
  const columns = declaredSourceColumns(declaredStream(system, stream)) ?? discovered;
  return columns ? lakeSchemaOf(columns, shape) : undefined;
}
