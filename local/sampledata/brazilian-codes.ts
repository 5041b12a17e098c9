/** Brazilian document and product codes with valid check digits: CNPJ, EAN-13 (GTIN) and NF-e access keys. */

const CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

function cnpjDigit(base: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(base[i]) * weights[i];
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** `12.345.678/0001-95` from 8 root digits and a 4-digit branch: the format the sample data uses everywhere. */
export function formatCnpj(root8: string, branch4 = '0001'): string {
  const base = root8 + branch4;
  const d1 = cnpjDigit(base, CNPJ_W1);
  const d2 = cnpjDigit(base + d1, CNPJ_W2);
  const all = `${base}${d1}${d2}`;
  return `${all.slice(0, 2)}.${all.slice(2, 5)}.${all.slice(5, 8)}/${all.slice(8, 12)}-${all.slice(12)}`;
}

/** True when a CNPJ (formatted or 14 digits) has valid check digits. */
export function isValidCnpj(value: string): boolean {
  const digits = value.replace(/[.\-/]/g, '');
  if (!/^\d{14}$/.test(digits) || /^(\d)\1{13}$/.test(digits)) return false;
  return cnpjDigit(digits, CNPJ_W1) === Number(digits[12]) && cnpjDigit(digits, CNPJ_W2) === Number(digits[13]);
}

/** GTIN check digit for the digits before it (EAN-13: 12 digits). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const fromRight = body.length - i;
    sum += Number(body[i]) * (fromRight % 2 === 1 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** EAN-13 from a 12-digit body (Brazilian products start with 789). */
export function ean13(body12: string): string {
  return body12 + gtinCheckDigit(body12);
}

export function isValidEan13(value: string): boolean {
  return /^\d{13}$/.test(value) && gtinCheckDigit(value.slice(0, 12)) === Number(value[12]);
}

/** Modulo-11 check digit of an NF-e access key (weights 2..9 from the right). */
export function nfeKeyCheckDigit(body43: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = body43.length - 1; i >= 0; i--) {
    sum += Number(body43[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

export interface NfeKeyParts {
  uf: string; // 2-digit IBGE state code, e.g. 35 (SP)
  yymm: string;
  cnpj: string; // formatted or digits
  serie: number;
  numero: number;
  codigo: string; // 8 digits
}

/** The 44-digit NF-e access key: cUF AAMM CNPJ mod(55) serie nNF tpEmis cNF cDV. */
export function nfeAccessKey(p: NfeKeyParts): string {
  const body =
    p.uf +
    p.yymm +
    p.cnpj.replace(/\D/g, '') +
    '55' +
    String(p.serie).padStart(3, '0') +
    String(p.numero).padStart(9, '0') +
    '1' +
    p.codigo;
  return body + nfeKeyCheckDigit(body);
}

export function isValidNfeKey(value: string): boolean {
  return /^\d{44}$/.test(value) && nfeKeyCheckDigit(value.slice(0, 43)) === Number(value[43]);
}
