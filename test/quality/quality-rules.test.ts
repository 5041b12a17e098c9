import {
  PASS_SCORE,
  judgeDuplicates,
  judgeFilesPresent,
  judgeMissingEans,
  judgeNulls,
  judgeOutliers,
  judgeRequiredColumns,
  judgeRowCount,
  judgeVolumeChange,
  scoreChecks,
  typeMatches,
} from '../../activities/quality/quality-rules';

const S = 'farmarcas_si_analitico_diario';
const fiscalSchema = [
  { name: 'idpk', type: 'BIGINT' },
  { name: 'ACODE_Val_Total', type: 'DECIMAL(15,2)' },
  { name: 'CNPJ', type: 'VARCHAR' },
  { name: 'Data', type: 'DATE' },
  { name: 'EAN', type: 'VARCHAR' },
  { name: 'Fornecedor', type: 'VARCHAR' },
  { name: 'NF_Numero', type: 'INTEGER' },
];

test('column types: integer, numeric (DECIMAL or DOUBLE), string, date', () => {
  expect(typeMatches('integer', 'BIGINT')).toBe(true);
  expect(typeMatches('integer', 'DOUBLE')).toBe(false);
  expect(typeMatches('numeric', 'DECIMAL(15,2)')).toBe(true);
  expect(typeMatches('numeric', 'DOUBLE')).toBe(true);
  expect(typeMatches('numeric', 'VARCHAR')).toBe(false);
  expect(typeMatches('string', 'VARCHAR')).toBe(true);
  expect(typeMatches('date', 'DATE')).toBe(true);
  expect(typeMatches('date', 'TIMESTAMP WITH TIME ZONE')).toBe(true);
  expect(typeMatches('date', 'VARCHAR')).toBe(false);
  // airbyte-s3-v0: Avro's union of the date and string, as DuckDB reads it
  expect(typeMatches('date', 'STRUCT(member0 DATE, member1 VARCHAR)')).toBe(true);
  expect(typeMatches('date', 'STRUCT(member0 TIMESTAMP WITH TIME ZONE, member1 VARCHAR)')).toBe(true);
  expect(typeMatches('date', 'STRUCT(member0 VARCHAR, member1 VARCHAR)')).toBe(false);
});

test('required columns: all present passes; a missing one and a wrong type are named', () => {
  expect(judgeRequiredColumns(fiscalSchema, S).passed).toBe(true);
  const bad = judgeRequiredColumns(
    fiscalSchema.filter((c) => c.name !== 'EAN').map((c) => (c.name === 'Data' ? { ...c, type: 'VARCHAR' } : c)),
    S,
  );
  expect(bad.passed).toBe(false);
  expect(bad.level).toBe('critical');
  expect(bad.detail).toBe('Data is VARCHAR, expected date; EAN missing');
});

test('null tolerance: idpk 0 %, CNPJ 5 %, EAN 10 % (boundaries inclusive)', () => {
  const at = judgeNulls(S, 1000, { idpk: 0, CNPJ: 50, EAN: 100 });
  expect(at.map((c) => c.passed)).toEqual([true, true, true]);
  const over = judgeNulls(S, 1000, { idpk: 1, CNPJ: 51, EAN: 101 });
  expect(over.map((c) => [c.name, c.passed])).toEqual([
    [`${S}.nulls.idpk`, false],
    [`${S}.nulls.CNPJ`, false],
    [`${S}.nulls.EAN`, false],
  ]);
  expect(over[1].detail).toBe('51 of 1000 rows NULL (5.10 %, tolerance 5.00 %)');
});

test('duplicates and NULL keys fail; outliers and missing EANs fail above 1 %', () => {
  expect(judgeDuplicates(S, 'idpk', 100, 0, 0).passed).toBe(true);
  expect(judgeDuplicates(S, 'idpk', 100, 1, 0).passed).toBe(false);
  expect(judgeDuplicates(S, 'idpk', 100, 0, 2).detail).toBe('0 duplicate rows on idpk, 2 rows with NULL idpk in 100 rows');
  expect(judgeOutliers(S, 1000, 5, 5).passed).toBe(true);
  expect(judgeOutliers(S, 1000, 6, 5).passed).toBe(false);
  expect(judgeMissingEans(S, 100, 1).passed).toBe(true);
  expect(judgeMissingEans(S, 100, 2).passed).toBe(false);
});

test('row count against the source, with 0.1 % tolerance; files need _SUCCESS', () => {
  expect(judgeRowCount(S, 100_000, 100_100).passed).toBe(true);
  expect(judgeRowCount(S, 100_000, 100_101).passed).toBe(false);
  expect(judgeRowCount(S, 0, 0).passed).toBe(true);
  expect(judgeRowCount(S, 5, undefined)).toMatchObject({ passed: true, level: 'warning' });
  expect(judgeFilesPresent(S, 3, true).passed).toBe(true);
  expect(judgeFilesPresent(S, 3, false).passed).toBe(false);
  expect(judgeFilesPresent(S, 0, true).passed).toBe(false);
});

test('volume change above 20 % warns but never fails', () => {
  expect(judgeVolumeChange(S, 120, 100)).toMatchObject({ passed: true, level: 'ok' });
  expect(judgeVolumeChange(S, 121, 100)).toMatchObject({ passed: true, level: 'warning' });
  expect(judgeVolumeChange(S, 79, 100)).toMatchObject({ passed: true, level: 'warning' });
  expect(judgeVolumeChange(S, 79, undefined)).toMatchObject({ passed: true, level: 'ok' });
  expect(judgeVolumeChange(S, 79, 100).score).toBeUndefined();
});

test('score: mean of scored checks; pass needs > 95 and no hard failure', () => {
  const clean = [judgeFilesPresent(S, 1, true), judgeDuplicates(S, 'idpk', 100, 0, 0), judgeVolumeChange(S, 200, 100)];
  expect(scoreChecks(clean)).toEqual({ score: 100, passed: true });
  // One hard failure with a small share: score stays high, gate fails.
  const oneDup = [judgeFilesPresent(S, 1, true), judgeDuplicates(S, 'idpk', 1000, 1, 0)];
  const judged = scoreChecks(oneDup);
  expect(judged.score).toBeGreaterThan(PASS_SCORE);
  expect(judged.passed).toBe(false);
  // Nothing scored above zero, or nothing scored at all, never passes.
  expect(scoreChecks([judgeFilesPresent(S, 0, false)])).toEqual({ score: 0, passed: false });
  expect(scoreChecks([])).toEqual({ score: 0, passed: false });
});
