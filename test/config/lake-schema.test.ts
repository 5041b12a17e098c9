/**
 * The declared lake schema and its DDL, as pure functions of config: the
 * fiscal table in both shapes, the metadata columns' place and types, the
 * shape stated once per pipeline, and the Athena/Spark type names.
 */
import { ddlType, lakeDdl } from '../../config/lake-ddl';
import {
  PIPELINE_LAKE_SHAPE,
  lakeSchemaOf,
  lakeTypeText,
  streamLakeSchema,
  type SourceColumn,
} from '../../config/lake-schema';
import { ACODE_COMPLEMENT_TABLE, ACODE_FISCAL_TABLE, ACODE_PRODUCTS_TABLE } from '../../config/pipelines';

const typeOf = (columns: ReturnType<typeof lakeSchemaOf>, name: string) => lakeTypeText(columns.find((c) => c.name === name)!.type);

test('both pipelines keep the shape of the partitions already in the lake: airbyte-s3-v0', () => {
  expect(PIPELINE_LAKE_SHAPE).toEqual({ acode: 'airbyte-s3-v0', radar: 'airbyte-s3-v0' });
});

test('airbyte-s3-v0: the fiscal table as destination-s3 0.3.x writes it', () => {
  const lake = streamLakeSchema('acode', ACODE_FISCAL_TABLE)!;
  expect(lake.map((c) => c.name)).toEqual([
    '_airbyte_ab_id',
    '_airbyte_emitted_at',
    'idpk',
    'ACODE_Val_Total',
    'CNPJ',
    'CNPJ_Fornecedor',
    'Data',
    'Data_Processamento',
    'EAN',
    'Fornecedor',
    'NF_Numero',
    'Qtd_Trib',
    'Val_Prod',
    'Val_Trib',
    'CFOP',
    'NCM',
    'CST',
    'Aliquota_ICMS',
    'Valor_ICMS',
    'IPI',
    'ST',
    'STRet',
    '_airbyte_additional_properties',
  ]);
  expect(lake.filter((c) => !c.nullable).map((c) => c.name)).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at']);
  expect(typeOf(lake, '_airbyte_ab_id')).toBe('STRING');
  expect(typeOf(lake, '_airbyte_emitted_at')).toBe('TIMESTAMP(MILLIS,UTC)');
  expect(typeOf(lake, '_airbyte_additional_properties')).toBe('MAP<STRING,STRING>');
  expect(typeOf(lake, 'idpk')).toBe('INT64');
  expect(typeOf(lake, 'NF_Numero')).toBe('INT64'); // INT in MySQL; 0.4.0's INT64, read as bigint
  expect(typeOf(lake, 'ACODE_Val_Total')).toBe('DOUBLE');
  expect(typeOf(lake, 'Aliquota_ICMS')).toBe('DOUBLE');
  expect(typeOf(lake, 'Data')).toBe('group{member0: DATE, member1: STRING}');
  expect(typeOf(lake, 'Data_Processamento')).toBe('group{member0: TIMESTAMP(MICROS,UTC), member1: STRING}');
  expect(typeOf(lake, 'CNPJ')).toBe('STRING');
});

test('typed: exact decimals, dates and timestamps, the same metadata columns', () => {
  const lake = streamLakeSchema('acode', ACODE_FISCAL_TABLE, undefined, 'typed')!;
  expect(typeOf(lake, 'ACODE_Val_Total')).toBe('DECIMAL(15,2)');
  expect(typeOf(lake, 'Qtd_Trib')).toBe('DECIMAL(15,4)');
  expect(typeOf(lake, 'Aliquota_ICMS')).toBe('DECIMAL(5,2)');
  expect(typeOf(lake, 'NF_Numero')).toBe('INT32');
  expect(typeOf(lake, 'Data')).toBe('DATE');
  expect(typeOf(lake, 'Data_Processamento')).toBe('TIMESTAMP(MICROS,UTC)');
  expect(lake[0].name).toBe('_airbyte_ab_id');
  expect(lake[lake.length - 1].name).toBe('_airbyte_additional_properties');
});

test('a stream whose columns are discovered has a declared schema only with the discovered columns', () => {
  expect(streamLakeSchema('acode', ACODE_COMPLEMENT_TABLE)).toBeUndefined();
  expect(streamLakeSchema('radar', 'store')).toBeUndefined();
  const found: SourceColumn[] = [
    { name: 'Id', type: { kind: 'int' }, nullable: false },
    { name: 'Active', type: { kind: 'boolean' }, nullable: true },
    { name: 'Created_At', type: { kind: 'datetime' }, nullable: true },
  ];
  const lake = streamLakeSchema('radar', 'store', found)!;
  expect(lake.map((c) => `${c.name} ${lakeTypeText(c.type)}`)).toEqual([
    '_airbyte_ab_id STRING',
    '_airbyte_emitted_at TIMESTAMP(MILLIS,UTC)',
    'Id INT64',
    'Active BOOLEAN',
    'Created_At group{member0: TIMESTAMP(MICROS,UTC), member1: STRING}',
    '_airbyte_additional_properties MAP<STRING,STRING>',
  ]);
  // config's declared columns win over discovery for a declared stream
  expect(streamLakeSchema('acode', ACODE_PRODUCTS_TABLE, found)!.map((c) => c.name)).toContain('Holding');
});

test('DDL types: Athena in lower case, Spark in upper case, structs and maps spelled as each reads them', () => {
  const lake = streamLakeSchema('acode', ACODE_FISCAL_TABLE)!;
  const data = lake.find((c) => c.name === 'Data')!.type;
  expect(ddlType(data, 'athena')).toBe('struct<member0:date,member1:string>');
  expect(ddlType(data, 'spark')).toBe('STRUCT<member0: DATE, member1: STRING>');
  expect(ddlType({ kind: 'map' }, 'athena')).toBe('map<string,string>');
  expect(ddlType({ kind: 'map' }, 'spark')).toBe('MAP<STRING, STRING>');
  expect(ddlType({ kind: 'decimal', precision: 15, scale: 2 }, 'spark')).toBe('DECIMAL(15,2)');
  expect(ddlType({ kind: 'timestamp', unit: 'MILLIS' }, 'athena')).toBe('timestamp');
});

test('a CREATE EXTERNAL TABLE per stream, partitioned by cog_dt_ingestion, at the origin=airbyte prefix', () => {
  const ddl = lakeDdl([{ system: 'acode', stream: ACODE_PRODUCTS_TABLE, columns: streamLakeSchema('acode', ACODE_PRODUCTS_TABLE)! }], 'bucket-x', 'athena', 'airbyte-s3-v0');
  expect(ddl).toContain(`CREATE EXTERNAL TABLE IF NOT EXISTS \`bronze_acode\`.\`${ACODE_PRODUCTS_TABLE}\` (`);
  expect(ddl).toContain('PARTITIONED BY (`cog_dt_ingestion` string)\nSTORED AS PARQUET');
  expect(ddl).toContain(`LOCATION 's3://bucket-x/origin=airbyte/database=bronze_acode/${ACODE_PRODUCTS_TABLE}/'`);
  expect(ddl).toMatch(/`_airbyte_emitted_at`\s+timestamp,/);
  expect(ddl).toMatch(/`_airbyte_additional_properties`\s+map<string,string>\n\)/);
});

test('MySQL types the engine discovers map to the lake types Airbyte writes for them', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mapMysqlType } = require('../../activities/engine/extract-columns') as typeof import('../../activities/engine/extract-columns');
  const lake = (dataType: string, columnType = dataType, precision: number | null = null, scale: number | null = null) =>
    lakeTypeText(lakeSchemaOf([{ name: 'c', type: mapMysqlType(dataType, columnType, precision, scale), nullable: true }], 'airbyte-s3-v0')[2].type);
  expect(lake('tinyint', 'tinyint(1)')).toBe('BOOLEAN');
  expect(lake('int', 'int(11)')).toBe('INT64');
  expect(lake('decimal', 'decimal(15,2)', 15, 2)).toBe('DOUBLE');
  expect(lake('year')).toBe('STRING');
  expect(lake('json')).toBe('STRING');
  expect(lake('date')).toBe('group{member0: DATE, member1: STRING}');
  expect(lake('timestamp')).toBe('group{member0: TIMESTAMP(MICROS,UTC), member1: STRING}');
});
