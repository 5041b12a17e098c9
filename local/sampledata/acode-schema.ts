/** DDL of ACODE's three tables in `acode_farmarcas`, built from the column facts of config/pipelines.ts. */
import {
  ACODE_COMPLEMENT_TABLE,
  ACODE_FISCAL_COLUMNS,
  ACODE_FISCAL_TABLE,
  ACODE_PRODUCTS_COLUMNS,
  ACODE_PRODUCTS_TABLE,
  type ColumnSpec,
  type ColumnType,
} from '../../config/pipelines';
import { quoteIdentifier } from './tsv-load';

export function sqlType(type: ColumnType): string {
  switch (type.kind) {
    case 'bigint':
      return 'BIGINT';
    case 'int':
      return 'INT';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'varchar':
      return `VARCHAR(${type.length})`;
    case 'text':
      return 'MEDIUMTEXT';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'DATETIME';
    case 'boolean':
      return 'TINYINT(1)';
  }
}

/**
 * The NF-e complement table. Its columns are not in the pipeline config on
 * purpose: the pipeline discovers them from the source, as Airbyte does.
 */
export const ACODE_COMPLEMENT_COLUMNS: ColumnSpec[] = [
  { name: 'idpk', type: { kind: 'bigint' }, nullable: false },
  { name: 'Id_Analitico', type: { kind: 'bigint' }, nullable: true },
  { name: 'NF_Chave', type: { kind: 'varchar', length: 44 }, nullable: false },
  { name: 'NF_Serie', type: { kind: 'int' }, nullable: true },
  { name: 'Modelo', type: { kind: 'varchar', length: 2 }, nullable: true },
  { name: 'Data_Emissao', type: { kind: 'datetime' }, nullable: true },
  { name: 'Natureza_Operacao', type: { kind: 'varchar', length: 120 }, nullable: true },
  { name: 'UF_Emitente', type: { kind: 'varchar', length: 2 }, nullable: true },
  { name: 'Protocolo_Autorizacao', type: { kind: 'varchar', length: 20 }, nullable: true },
  { name: 'Valor_Total_NF', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
  { name: 'Informacoes_Complementares', type: { kind: 'text' }, nullable: true },
  { name: 'XML_Complemento', type: { kind: 'text' }, nullable: true },
  { name: 'Data_Processamento', type: { kind: 'datetime' }, nullable: true },
];

export function createTableSql(table: string, columns: ColumnSpec[], primaryKey: string): string {
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${sqlType(c.type)}${c.nullable ? ' NULL' : ' NOT NULL'}`);
  return (
    `CREATE TABLE ${quoteIdentifier(table)} (${defs.join(', ')}, PRIMARY KEY (${quoteIdentifier(primaryKey)})) ` +
    'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'
  );
}

export const ACODE_TABLES: { name: string; columns: ColumnSpec[] }[] = [
  { name: ACODE_FISCAL_TABLE, columns: ACODE_FISCAL_COLUMNS },
  { name: ACODE_PRODUCTS_TABLE, columns: ACODE_PRODUCTS_COLUMNS },
  { name: ACODE_COMPLEMENT_TABLE, columns: ACODE_COMPLEMENT_COLUMNS },
];
