/**
 * The quality gates' thresholds and verdicts (seed 003, "Validações de
 * Qualidade de Dados"), as pure functions: measurements in, checks and a
 * score out. quality.ts measures; this module judges.
 *
 * Score: the mean of the scored checks' scores (0–100 each: 100 minus the
 * share of rows or keys at fault). Checks marked soft (volume change) warn
 * but neither fail the gate nor lower the score. The gate passes when the
 * score is above PASS_SCORE and no hard check failed.
 */
import type { Level, QualityCheck } from '../types';

export type ColumnKind = 'integer' | 'numeric' | 'string' | 'date' | 'any';

/** Seed 003 schema_validations of farmarcas_si_analitico_diario. */
export const FISCAL_REQUIRED_COLUMNS: { name: string; kind: ColumnKind }[] = [
  { name: 'idpk', kind: 'integer' },
  { name: 'ACODE_Val_Total', kind: 'numeric' },
  { name: 'CNPJ', kind: 'string' },
  { name: 'Data', kind: 'date' },
  { name: 'EAN', kind: 'any' },
  { name: 'Fornecedor', kind: 'any' },
  { name: 'NF_Numero', kind: 'any' },
];

/** Largest share of NULLs allowed per column. */
export const NULL_TOLERANCE: Record<string, number> = { idpk: 0, CNPJ: 0.05, EAN: 0.1 };
/** ACODE_Val_Total above this (R$ 100k) or below zero is an outlier. */
export const OUTLIER_HIGH = 100_000;
export const OUTLIER_LOW = 0;
/** Share of outlier rows, and of fiscal EANs missing from the product table, above which the gate fails ("quarantined < 1 %"). */
export const OUTLIER_RATE_LIMIT = 0.01;
export const MISSING_EAN_RATE_LIMIT = 0.01;
/** Landed rows may differ from the source's count by this share (rows written to the source during the sync). */
export const ROW_COUNT_TOLERANCE = 0.001;
/** Day-over-day volume change above this share is a warning (seed 002/004). */
export const VOLUME_CHANGE_WARNING = 0.2;
export const PASS_SCORE = 95;

export interface JudgedCheck extends QualityCheck {
  level: Level;
  /** 0..100, undefined for soft checks that do not count. */
  score?: number;
}

const pct = (share: number) => `${(share * 100).toFixed(2)} %`;
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const scoreOf = (share: number) => Math.max(0, Math.min(100, 100 * (1 - share)));
const hard = (name: string, passed: boolean, detail: string, score: number): JudgedCheck => ({
  name,
  passed,
  detail,
  level: passed ? 'ok' : 'critical',
  score,
});

export function typeMatches(kind: ColumnKind, parquetType: string): boolean {
  const t = parquetType.toUpperCase();
  switch (kind) {
    case 'integer':
      return /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(t);
    case 'numeric':
      return /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DECIMAL(\(\d+,\s*\d+\))?|DOUBLE|FLOAT|REAL)$/.test(t);
    case 'string':
      return t === 'VARCHAR' || t === 'BLOB';
    case 'date':
      // airbyte-s3-v0 holds a date as Avro's union of the date and string: STRUCT(member0 DATE, member1 VARCHAR)
      return t === 'DATE' || t.startsWith('TIMESTAMP') || /^STRUCT\(MEMBER0 (DATE|TIMESTAMP[^,]*), MEMBER1 VARCHAR\)$/.test(t);
    case 'any':
      return true;
  }
}

export function judgeRequiredColumns(schema: { name: string; type: string }[], stream: string): JudgedCheck {
  const types = new Map(schema.map((c) => [c.name, c.type]));
  const problems: string[] = [];
  for (const { name, kind } of FISCAL_REQUIRED_COLUMNS) {
    const type = types.get(name);
    if (type === undefined) problems.push(`${name} missing`);
    else if (!typeMatches(kind, type)) problems.push(`${name} is ${type}, expected ${kind}`);
  }
  const ok = problems.length === 0;
  return hard(
    `${stream}.required_columns`,
    ok,
    ok ? `all ${FISCAL_REQUIRED_COLUMNS.length} required columns present with their types` : problems.join('; '),
    scoreOf(problems.length / FISCAL_REQUIRED_COLUMNS.length),
  );
}

export function judgeNulls(stream: string, rows: number, nulls: Record<string, number>): JudgedCheck[] {
  return Object.entries(NULL_TOLERANCE).map(([column, tolerance]) => {
    const share = rate(nulls[column] ?? 0, rows);
    const ok = share <= tolerance;
    return hard(
      `${stream}.nulls.${column}`,
      ok,
      `${nulls[column] ?? 0} of ${rows} rows NULL (${pct(share)}, tolerance ${pct(tolerance)})`,
      ok ? 100 : scoreOf(share),
    );
  });
}

export function judgeDuplicates(stream: string, key: string, rows: number, extraRows: number, nullKeys: number): JudgedCheck {
  const ok = extraRows === 0 && nullKeys === 0;
  return hard(
    `${stream}.duplicate_keys`,
    ok,
    `${extraRows} duplicate rows on ${key}${nullKeys ? `, ${nullKeys} rows with NULL ${key}` : ''} in ${rows} rows`,
    scoreOf(rate(extraRows + nullKeys, rows)),
  );
}

export function judgeOutliers(stream: string, rows: number, high: number, low: number): JudgedCheck {
  const share = rate(high + low, rows);
  return hard(
    `${stream}.outliers`,
    share <= OUTLIER_RATE_LIMIT,
    `${high} rows with ACODE_Val_Total > ${OUTLIER_HIGH}, ${low} rows < ${OUTLIER_LOW} (${pct(share)}, limit ${pct(OUTLIER_RATE_LIMIT)})`,
    scoreOf(share),
  );
}

export function judgeMissingEans(stream: string, distinctEans: number, missing: number): JudgedCheck {
  const share = rate(missing, distinctEans);
  return hard(
    `${stream}.eans_in_products`,
    share <= MISSING_EAN_RATE_LIMIT,
    `${missing} of ${distinctEans} distinct EANs missing from the product table (${pct(share)}, limit ${pct(MISSING_EAN_RATE_LIMIT)})`,
    scoreOf(share),
  );
}

export function judgeFilesPresent(stream: string, files: number, complete: boolean): JudgedCheck {
  const ok = files > 0 && complete;
  const detail = `${files} Parquet files, _SUCCESS ${complete ? 'present' : 'missing'}`;
  return hard(`${stream}.files_present`, ok, detail, ok ? 100 : 0);
}

export function judgeRowCount(stream: string, landed: number, source: number | undefined): JudgedCheck {
  if (source === undefined) {
    return { name: `${stream}.row_count`, passed: true, level: 'warning', detail: `${landed} rows landed; no source count given` };
  }
  const share = source === 0 ? (landed === 0 ? 0 : 1) : Math.abs(landed - source) / source;
  return hard(
    `${stream}.row_count`,
    share <= ROW_COUNT_TOLERANCE,
    `${landed} rows landed, source has ${source} (difference ${pct(share)}, tolerance ${pct(ROW_COUNT_TOLERANCE)})`,
    scoreOf(share),
  );
}

/** Soft: warns on a change above VOLUME_CHANGE_WARNING, never fails the gate. */
export function judgeVolumeChange(stream: string, today: number, previous: number | undefined): JudgedCheck {
  const name = `${stream}.volume_change`;
  if (previous === undefined) return { name, passed: true, level: 'ok', detail: `no previous day's partition to compare` };
  const change = previous === 0 ? (today === 0 ? 0 : 1) : (today - previous) / previous;
  const warn = Math.abs(change) > VOLUME_CHANGE_WARNING;
  return {
    name,
    passed: true,
    level: warn ? 'warning' : 'ok',
    detail: `${today} rows vs ${previous} the previous day (${change >= 0 ? '+' : ''}${pct(change)}, warning above ${pct(VOLUME_CHANGE_WARNING)})`,
  };
}

export function scoreChecks(checks: JudgedCheck[]): { score: number; passed: boolean } {
  const scored = checks.filter((c) => c.score !== undefined);
  const score = scored.length ? Math.round((scored.reduce((s, c) => s + c.score!, 0) / scored.length) * 100) / 100 : 0;
  const hardFailure = checks.some((c) => !c.passed);
  return { score, passed: scored.length > 0 && score > PASS_SCORE && !hardFailure };
}
