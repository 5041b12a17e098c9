/**
 * Table definitions for the lake's readers, printed from the declared lake
 * schema (lake-schema.ts), so a Glue/Athena or Spark table is defined by the
 * contract instead of a crawler's guess. One table per stream, partitioned
 * by `cog_dt_ingestion`, at the stream's `origin=airbyte` prefix.
 */
import type { LakeColumn, LakeType } from './lake-schema';
import { databasePrefix, type SystemName } from './pipelines';

export const DDL_FORMATS = ['athena', 'spark'] as const;
export type DdlFormat = (typeof DDL_FORMATS)[number];

export function isDdlFormat(value: unknown): value is DdlFormat {
  return typeof value === 'string' && (DDL_FORMATS as readonly string[]).includes(value);
}

/** The partition column of every table: the layout's `cog_dt_ingestion=YYYY-MM-DD` folder. */
export const PARTITION_COLUMN = 'cog_dt_ingestion';

/** A lake type as Athena (Hive DDL, lower case) or Spark SQL (upper case) declares it. */
export function ddlType(type: LakeType, format: DdlFormat): string {
  const text = ((): string => {
    switch (type.kind) {
      case 'string':
        return 'string';
      case 'int64':
        return 'bigint';
      case 'int32':
        return 'int';
      case 'double':
        return 'double';
      case 'boolean':
        return 'boolean';
      case 'decimal':
        return `decimal(${type.precision},${type.scale})`;
      case 'date':
        return 'date';
      case 'timestamp':
        return 'timestamp';
      case 'union':
        return format === 'athena'
          ? `struct<member0:${ddlType(type.member0, format)},member1:${ddlType(type.member1, format)}>`
          : `struct<member0: ${ddlType(type.member0, format)}, member1: ${ddlType(type.member1, format)}>`;
      case 'map':
        return format === 'athena' ? 'map<string,string>' : 'map<string, string>';
    }
  })();
  return format === 'spark' ? text.replace(/\b[a-z]+\b/g, (word) => (word.startsWith('member') ? word : word.toUpperCase())) : text;
}

export interface TableDefinition {
  system: SystemName;
  stream: string;
  columns: readonly LakeColumn[];
}

const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** `CREATE EXTERNAL TABLE …` for one stream. */
export function tableDdl(table: TableDefinition, bucket: string, format: DdlFormat): string {
  const database = `bronze_${table.system}`;
  const width = Math.max(...table.columns.map((c) => c.name.length)) + 2;
  const columns = table.columns.map((c) => `  ${ident(c.name).padEnd(width)} ${ddlType(c.type, format)}`).join(',\n');
  const location = `s3://${bucket}/${databasePrefix(table.system)}${table.stream}/`;
  const partition = `${ident(PARTITION_COLUMN)} ${format === 'athena' ? 'string' : 'STRING'}`;
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${ident(database)}.${ident(table.stream)} (`,
    columns,
    ')',
    `PARTITIONED BY (${partition})`,
    'STORED AS PARQUET',
    `LOCATION '${location}'`,
    "TBLPROPERTIES ('parquet.compression' = 'SNAPPY');",
    `MSCK REPAIR TABLE ${ident(database)}.${ident(table.stream)};`,
  ].join('\n');
}

/** The definitions of a system's tables, with a header naming the shape each column comes from. */
export function lakeDdl(tables: readonly TableDefinition[], bucket: string, format: DdlFormat, shape: string): string {
  const header = `-- lake contract (config/lake-schema.ts), shape ${shape}, format ${format}`;
  return [header, ...tables.map((t) => tableDdl(t, bucket, format))].join('\n\n') + '\n';
}

