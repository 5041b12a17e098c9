/**
 * Source rows → CSV text for DuckDB's reader. NULL is an empty unquoted field,
 * an empty string is `""`, and only text that needs it is quoted, so the
 * common row costs one join.
 */
import type { ExtractColumn } from './extract-columns';

const NEEDS_QUOTES = /[",\n\r]/;

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function quoted(text: string): string {
  return '"' + text.replace(/"/g, '""') + '"';
}

/** Encodes rows of the given columns; returns one CSV chunk ending in a newline. */
export function createCsvEncoder(columns: ExtractColumn[]): (rows: unknown[][]) => string {
  // Only text-kind columns can hold quotes, commas, newlines, empty strings or non-string values.
  const textIndexes = columns.flatMap((c, i) => (c.type.kind === 'string' ? [i] : []));
  const slowRow = (row: unknown[]): string => {
    const fields = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (v === null || v === undefined) fields[i] = '';
      else {
        const text = textOf(v);
        fields[i] = text === '' || NEEDS_QUOTES.test(text) ? quoted(text) : text;
      }
    }
    return fields.join(',');
  };
  const encodeRow = (row: unknown[]): string => {
    for (const i of textIndexes) {
      const v = row[i];
      if (v !== null && (typeof v !== 'string' || v === '' || NEEDS_QUOTES.test(v))) return slowRow(row);
    }
    return row.join(',');
  };
  return (rows) => {
    const lines = new Array<string>(rows.length + 1);
    for (let i = 0; i < rows.length; i++) lines[i] = encodeRow(rows[i]);
    lines[rows.length] = '';
    return lines.join('\n');
  };
}
