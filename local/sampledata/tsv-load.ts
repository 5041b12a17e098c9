/**
 * Bulk loading through LOAD DATA LOCAL INFILE: rows are streamed as TSV from a
 * generator straight into the server (no temp file), the fastest way to put
 * millions of rows into MariaDB from Node.
 */
import { Readable } from 'node:stream';
import type { Connection, ResultSetHeader } from 'mysql2/promise';

export type SqlValue = string | number | null;

function escapeField(value: SqlValue): string {
  if (value === null) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

function* tsvChunks(rows: Iterable<SqlValue[]>, chunkBytes = 1 << 20): Generator<Buffer> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(escapeField).join('\t') + '\n';
    if (chunk.length >= chunkBytes) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

export const quoteIdentifier = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** Streams `rows` (values in `columns` order) into `table`; returns the number of rows the server loaded. */
export async function loadRowsFromTsv(
  conn: Connection,
  table: string,
  columns: string[],
  rows: Iterable<SqlValue[]>,
): Promise<number> {
  const sql =
    `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE ${quoteIdentifier(table)} CHARACTER SET utf8mb4 ` +
    `(${columns.map(quoteIdentifier).join(', ')})`;
  const [result] = await conn.query<ResultSetHeader>({
    sql,
    infileStreamFactory: () => Readable.from(tsvChunks(rows)),
  });
  return result.affectedRows;
}
