/**
 * Deterministic row generators for ACODE's fiscal, products and complement
 * tables: valid CNPJs and EANs, CFOP/NCM/CST codes, decimals, recent
 * Data_Processamento, some nulls, non-ASCII names, long XML strings.
 */
import { ean13, formatCnpj, nfeAccessKey } from './brazilian-codes';
import {
  ACTIVES, CFOPS, CSTS, HOLDINGS, ICMS_RATES, MANUFACTURERS, NATUREZAS, NCMS,
  PRESENTATIONS, PRODUCT_GROUPS, PRODUCT_TYPES, STATES, SUPPLIERS,
} from './pharma-vocabulary';
import { SeededRandom } from './seeded-random';
import type { SqlValue } from './tsv-load';

export interface AcodeSampleOptions {
  fiscalRows: number;
  /** Default: a tenth of the fiscal rows, at least 50. */
  productRows?: number;
  /** Default: half of the fiscal rows. */
  complementRows?: number;
  /** Distinct fiscal EANs absent from the products table, each used by exactly one fiscal row (default 3). */
  missingEans?: number;
  /** Share of fiscal rows whose ACODE_Val_Total is an outlier (> 100,000 or < 0); default 0.001. */
  outlierRate?: number;
  /** MAX(Data_Processamento) of every table equals this instant (default now); the rest is up to 3 h older. */
  referenceTime?: Date;
  seed?: number;
}

export interface AcodeSamplePlan {
  fiscalRows: number;
  productRows: number;
  complementRows: number;
  /** EANs used by the fiscal table and missing from the products table. */
  missingEans: string[];
  referenceTime: Date;
  productEans: string[];
  pharmacyCnpjs: string[];
  supplierCnpjs: string[];
  seed: number;
}

const money = (cents: number) => (cents / 100).toFixed(2);
export const sqlDateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const HOUR = 3_600_000;

export function planAcodeSample(options: AcodeSampleOptions): AcodeSamplePlan {
  const { fiscalRows } = options;
  if (!Number.isInteger(fiscalRows) || fiscalRows < 1) throw new Error(`invalid fiscalRows ${fiscalRows}: expected a positive integer`);
  const seed = options.seed ?? 42;
  const rng = new SeededRandom(seed ^ 0x5eed);
  const productRows = options.productRows ?? Math.max(50, Math.ceil(fiscalRows / 10));
  const complementRows = options.complementRows ?? Math.ceil(fiscalRows / 2);
  const eans = new Set<string>();
  while (eans.size < productRows + Math.min(options.missingEans ?? 3, fiscalRows)) eans.add(ean13('789' + rng.digits(9)));
  const all = [...eans];
  const productEans = all.slice(0, productRows);
  const missingEans = all.slice(productRows);
  const pharmacies = Math.min(2000, Math.max(20, Math.ceil(fiscalRows / 100)));
  const pharmacyCnpjs = Array.from({ length: pharmacies }, () => formatCnpj(rng.digits(8), '0001'));
  const supplierCnpjs = SUPPLIERS.map(() => formatCnpj(rng.digits(8), String(rng.int(1, 30)).padStart(4, '0')));
  return {
    fiscalRows, productRows, complementRows, missingEans, productEans, pharmacyCnpjs, supplierCnpjs, seed,
    referenceTime: options.referenceTime ?? new Date(),
  };
}

export const FISCAL_LOAD_COLUMNS = [
  'idpk', 'ACODE_Val_Total', 'CNPJ', 'CNPJ_Fornecedor', 'Data', 'Data_Processamento', 'EAN', 'Fornecedor', 'NF_Numero',
  'Qtd_Trib', 'Val_Prod', 'Val_Trib', 'CFOP', 'NCM', 'CST', 'Aliquota_ICMS', 'Valor_ICMS', 'IPI', 'ST', 'STRet',
];

export function* fiscalRows(plan: AcodeSamplePlan, outlierRate = 0.001): Generator<SqlValue[]> {
  const rng = new SeededRandom(plan.seed);
  const ref = plan.referenceTime.getTime();
  const n = plan.fiscalRows;
  const missingAt = new Map(plan.missingEans.map((ean, k) => [Math.floor(((k + 1) * n) / (plan.missingEans.length + 1)) + 1, ean]));
  for (let idpk = 1; idpk <= n; idpk++) {
    const supplier = rng.int(0, SUPPLIERS.length - 1);
    const qty = rng.int(1, 120);
    const unitCents = rng.int(199, 40_000);
    const prodCents = qty * unitCents;
    const rate = rng.pick(ICMS_RATES);
    const ipiCents = rng.chance(0.4) ? null : rng.chance(0.7) ? 0 : Math.round(prodCents * 0.05);
    const stCents = rng.chance(0.5) ? null : Math.round(prodCents * rng.int(5, 18) / 100);
    const stRet = rng.chance(0.7) ? null : money(rng.int(0, 5_000));
    let total = prodCents + (ipiCents ?? 0) + (stCents ?? 0);
    if (rng.chance(outlierRate)) total = rng.chance(0.5) ? rng.int(10_000_001, 90_000_000) : -rng.int(100, 500_000);
    const day = ref - rng.int(0, 59) * 24 * HOUR;
    const processed = idpk === n ? ref : ref - rng.int(0, 3 * 3600) * 1000;
    const ean = missingAt.get(idpk) ?? (rng.chance(0.01) ? null : rng.pick(plan.productEans));
    yield [
      idpk,
      money(total),
      rng.chance(0.005) ? null : rng.pick(plan.pharmacyCnpjs),
      rng.chance(0.01) ? null : plan.supplierCnpjs[supplier],
      new Date(day).toISOString().slice(0, 10),
      sqlDateTime(processed),
      ean,
      SUPPLIERS[supplier],
      rng.int(1, 999_999),
      `${qty}.0000`,
      money(prodCents),
      money(prodCents),
      rng.pick(CFOPS),
      rng.pick(NCMS),
      rng.pick(CSTS),
      rate,
      money(Math.round((prodCents * Number(rate)) / 100)),
      ipiCents === null ? null : money(ipiCents),
      stCents === null ? null : money(stCents),
      stRet,
    ];
  }
}

export const PRODUCT_LOAD_COLUMNS = ['idpk', 'EAN', 'Produto', 'Fabricante', 'P_Ativo', 'Classe', 'Sub_Classe', 'Familia', 'Grupo', 'Tipo', 'Desc_Marca', 'Holding'];

export function* productRows(plan: AcodeSamplePlan): Generator<SqlValue[]> {
  const rng = new SeededRandom(plan.seed + 1);
  for (let i = 0; i < plan.productRows; i++) {
    const a = rng.pick(ACTIVES);
    const maker = rng.pick(MANUFACTURERS);
    let name = `${a.active} ${rng.pick(PRESENTATIONS)}`;
    // Some catalogue names are long: hospital packs with the full registration text.
    if (rng.chance(0.05)) name += ` — embalagem hospitalar com ${rng.int(100, 500)} unidades, registro MS 1.${rng.digits(4)}.${rng.digits(4)}.${rng.digits(3)}-${rng.digits(1)} (uso restrito a hospitais e clínicas)`;
    yield [
      i + 1,
      plan.productEans[i],
      name.slice(0, 255),
      maker,
      a.active,
      a.classe,
      rng.chance(0.03) ? null : a.subClasse,
      a.familia,
      rng.pick(PRODUCT_GROUPS),
      rng.pick(PRODUCT_TYPES),
      rng.chance(0.1) ? null : `${maker} ${a.active.split(' ')[0]}`,
      rng.pick(HOLDINGS),
    ];
  }
}

export const COMPLEMENT_LOAD_COLUMNS = [
  'idpk', 'Id_Analitico', 'NF_Chave', 'NF_Serie', 'Modelo', 'Data_Emissao', 'Natureza_Operacao', 'UF_Emitente',
  'Protocolo_Autorizacao', 'Valor_Total_NF', 'Informacoes_Complementares', 'XML_Complemento', 'Data_Processamento',
];

export function* complementRows(plan: AcodeSamplePlan): Generator<SqlValue[]> {
  const rng = new SeededRandom(plan.seed + 2);
  const ref = plan.referenceTime.getTime();
  const n = plan.complementRows;
  for (let idpk = 1; idpk <= n; idpk++) {
    const [uf, sigla] = rng.pick(STATES);
    const supplier = rng.int(0, SUPPLIERS.length - 1);
    const cnpj = plan.supplierCnpjs[supplier];
    const issued = ref - rng.int(1, 60 * 24 * 3600) * 1000;
    const d = new Date(issued);
    const serie = rng.int(1, 9);
    const numero = rng.int(1, 999_999);
    const key = nfeAccessKey({
      uf, cnpj, serie, numero, codigo: rng.digits(8),
      yymm: String(d.getUTCFullYear() % 100).padStart(2, '0') + String(d.getUTCMonth() + 1).padStart(2, '0'),
    });
    const natureza = rng.pick(NATUREZAS);
    const total = money(rng.int(1_000, 5_000_000));
    const info = rng.chance(0.3) ? null : `Pedido ${rng.digits(7)}; ICMS retido por substituição tributária conforme RICMS/${sigla}; Lote ${rng.digits(6)}, validade ${rng.int(1, 12)}/${d.getUTCFullYear() + 2}.`;
    const items = Array.from({ length: rng.int(1, 6) }, (_, k) =>
      `<det nItem="${k + 1}"><prod><cEAN>${rng.pick(plan.productEans)}</cEAN><xProd>${rng.pick(ACTIVES).active} ${rng.pick(PRESENTATIONS)}</xProd><NCM>${rng.pick(NCMS)}</NCM><CFOP>${rng.pick(CFOPS)}</CFOP><qCom>${rng.int(1, 50)}.0000</qCom></prod></det>`,
    ).join('\n  ');
    const xml =
      `<infNFe versao="4.00" Id="NFe${key}">\n  <ide><cUF>${uf}</cUF><natOp>${natureza}</natOp><mod>55</mod><serie>${serie}</serie><nNF>${numero}</nNF><dhEmi>${d.toISOString()}</dhEmi></ide>\n` +
      `  <emit><CNPJ>${cnpj.replace(/\D/g, '')}</CNPJ><xNome>${SUPPLIERS[supplier]}</xNome><enderEmit><UF>${sigla}</UF></enderEmit></emit>\n  ${items}\n` +
      `  <total><ICMSTot><vNF>${total}</vNF></ICMSTot></total>\n  <infAdic><infCpl>${info ?? ''}</infCpl></infAdic>\n</infNFe>`;
    yield [
      idpk,
      rng.chance(0.02) ? null : rng.int(1, plan.fiscalRows),
      key,
      serie,
      '55',
      sqlDateTime(issued),
      natureza,
      sigla,
      rng.chance(0.05) ? null : `1${uf}${rng.digits(13)}`,
      total,
      info,
      xml,
      sqlDateTime(idpk === n ? ref : ref - rng.int(0, 3 * 3600) * 1000),
    ];
  }
}
