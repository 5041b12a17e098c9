/**
 * Deterministic rows for the Radar sample schema: the critical tables (store,
 * product, user_access, brand_metrics_average) get the requested size, the
 * others a handful of rows or none. Values follow each column's name and type;
 * `login` holds bcrypt-shaped hashes and tokens, the sensitive kind of data.
 */
import { RADAR_CRITICAL_TABLES } from '../../config/pipelines';
import { RADAR_STREAMS } from '../../config/radar-tables';
import { ean13, formatCnpj } from './brazilian-codes';
import { ACTIVES, CITIES, MANUFACTURERS, PERSON_NAMES, PHARMACY_NAMES, PRESENTATIONS, STATES, SURNAMES } from './pharma-vocabulary';
import { radarColumns, type RadarColumn } from './radar-schema';
import { SeededRandom } from './seeded-random';
import type { SqlValue } from './tsv-load';

export interface RadarSampleOptions {
  /** Rows of each critical table (default 200). */
  criticalRows?: number;
  /** Rows of each other table (default 5); the tables of EMPTY_RADAR_TABLES stay empty. */
  otherRows?: number;
  referenceTime?: Date;
  seed?: number;
}

/** Tables left empty in the sample, so empty streams are part of every run. */
export const EMPTY_RADAR_TABLES = ['password_reset', 'sms_log', 'import_job'];

export function radarRowCount(table: string, options: RadarSampleOptions = {}): number {
  if ((RADAR_CRITICAL_TABLES as readonly string[]).includes(table)) return options.criticalRows ?? 200;
  if (EMPTY_RADAR_TABLES.includes(table)) return 0;
  return options.otherRows ?? 5;
}

const HEX = '0123456789abcdef';
const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const chars = (rng: SeededRandom, alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
const person = (rng: SeededRandom) => `${rng.pick(PERSON_NAMES)} ${rng.pick(SURNAMES)} ${rng.pick(SURNAMES)}`;
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, '.');

function nameFor(table: string, rng: SeededRandom, i: number): string {
  if (table === 'store' || table === 'store_metrics') return `${rng.pick(PHARMACY_NAMES)} - ${rng.pick(CITIES)} ${i}`;
  if (table.startsWith('product')) return `${rng.pick(ACTIVES).active} ${rng.pick(PRESENTATIONS)}`;
  if (table.includes('user') || table === 'distributor_user') return person(rng);
  return `${table.replace(/_/g, ' ')} ${i} - ${rng.pick(CITIES)}`;
}

function valueFor(table: string, col: RadarColumn, i: number, pk: string, rng: SeededRandom, ref: number, fkMax: number): SqlValue {
  const name = col.name;
  const type = col.sqlType.toUpperCase();
  if (name === pk) return i;
  if (col.nullable && /(Disabled|Used|Read|Finished|Grouped)_At$/.test(name) && rng.chance(0.6)) return null;
  if (col.nullable && rng.chance(0.03)) return null;
  if (name === 'CNPJ') return formatCnpj(rng.digits(8), String(rng.int(1, 40)).padStart(4, '0'));
  if (/^ean$/i.test(name)) return ean13('789' + rng.digits(9));
  if (name.startsWith('Id_')) return rng.int(1, fkMax);
  if (name === 'Password') return `$2b$10$${chars(rng, B64, 53)}`;
  if (/Token/.test(name)) return chars(rng, HEX, name === 'Refresh_Token' ? 128 : 64);
  if (name === 'Recovery_Id') return `${chars(rng, HEX, 8)}-${chars(rng, HEX, 4)}-4${chars(rng, HEX, 3)}-a${chars(rng, HEX, 3)}-${chars(rng, HEX, 12)}`;
  if (name === 'Email') return `${ascii(person(rng))}${i}@farmarcas.com.br`;
  if (/Phone|Cellphone/.test(name)) return `(${rng.int(11, 99)}) 9${rng.digits(4)}-${rng.digits(4)}`;
  if (name === 'CPF') return `${rng.digits(3)}.${rng.digits(3)}.${rng.digits(3)}-${rng.digits(2)}`;
  if (name === 'UF' || type === 'CHAR(2)') return rng.pick(STATES)[1];
  if (/^(Cidade|City)$/.test(name)) return rng.pick(CITIES);
  if (/^(Name|Nome|Nome_Loja|Company_Name|Farmarcas_Name|Title)$/.test(name)) return nameFor(table, rng, i);
  if (/^(Manufacturer|Fabricante)$/.test(name)) return rng.pick(MANUFACTURERS);
  if (/^(Active_Ingredient|Principio_Ativo)$/.test(name)) return rng.pick(ACTIVES).active;
  if (/^(Presentation|Apresentacao)$/.test(name)) return rng.pick(PRESENTATIONS);
  if (table === 'brand_metrics_average' && type.startsWith('VARCHAR')) return (rng.int(100, 9_999_999) / 100).toFixed(2);
  if (type === 'TINYINT(1)') return rng.int(0, 1);
  if (type === 'INT' || type === 'BIGINT') return rng.int(0, 100);
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (dec) return (rng.int(0, 10 ** Math.min(Number(dec[1]) - 2, 8)) / 10 ** Number(dec[2])).toFixed(Number(dec[2]));
  if (type === 'DATE') return new Date(ref - rng.int(0, 400) * 86_400_000).toISOString().slice(0, 10);
  if (type.startsWith('DATETIME') || type.startsWith('TIMESTAMP')) {
    return new Date(ref - rng.int(0, 400 * 86_400) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  if (type.includes('TEXT')) {
    return `Informação ${i} de ${table}: condições válidas para farmácias associadas, consulte o regulamento. `.repeat(rng.int(1, 6)).trim();
  }
  const len = Number(/VARCHAR\((\d+)\)/.exec(type)?.[1] ?? 40);
  return `${name} ${i} ${rng.pick(CITIES)}`.slice(0, len);
}

export interface RadarTableSample {
  name: string;
  primaryKey: string;
  columns: RadarColumn[];
  rows: number;
}

export function planRadarSample(options: RadarSampleOptions = {}): RadarTableSample[] {
  return RADAR_STREAMS.map((s) => ({ name: s.name, primaryKey: s.primaryKey, columns: radarColumns(s.name), rows: radarRowCount(s.name, options) }));
}

export function* radarRows(table: RadarTableSample, options: RadarSampleOptions = {}): Generator<SqlValue[]> {
  let hash = options.seed ?? 42;
  for (const ch of table.name) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  const rng = new SeededRandom(hash);
  const ref = (options.referenceTime ?? new Date()).getTime();
  const fkMax = Math.max(1, options.criticalRows ?? 200);
  for (let i = 1; i <= table.rows; i++) {
    yield table.columns.map((c) => valueFor(table.name, c, i, table.primaryKey, rng, ref, fkMax));
  }
}
