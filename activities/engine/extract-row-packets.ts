/**
 * Rows of a streaming SELECT as CSV bytes, straight from the MySQL text
 * protocol. A text-protocol row packet is a run of length-prefixed fields
 * (0xFB for NULL) holding each value as the server prints it, so the CSV that
 * DuckDB reads is those bytes with commas between them: no JavaScript value
 * per field, no string per row, no UTF-8 re-encoding.
 *
 * Values stay exactly what the server sent:
 * - numbers, decimals, dates and datetimes are copied as they are (their text
 *   never holds a comma, quote or newline);
 * - text is copied as UTF-8 (the connection's character set), quoted with
 *   doubled quotes only when it holds `"`, `,`, CR or LF, and `""` when empty,
 *   so it is told apart from NULL (an empty unquoted field);
 * - bytes (BINARY, VARBINARY, BLOB, BIT, GEOMETRY: binary character set) are
 *   written as base64; TIME and JSON, also sent with the binary character
 *   set, are text.
 *
 * The rows are taken from mysql2's query command: its per-row parser is
 * replaced by this encoder for that one query (`installRowPacketEncoder`).
 */
import type { Query } from 'mysql2';
import type { ExtractColumn } from './extract-columns';

/** Whole CSV rows; `rowEnds[i]` is the byte offset just past row i, so a chunk can be cut at any row. */
export interface CsvChunk {
  csv: Buffer;
  rows: number;
  rowEnds: Uint32Array;
}

const RAW = 0;
const TEXT = 1;
const BASE64 = 2;
type FieldKind = typeof RAW | typeof TEXT | typeof BASE64;

const BINARY_CHARSET = 63;
const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The part of mysql2's ColumnDefinition the encoder reads. */
export interface RowPacketField {
  name: string;
  characterSet: number;
  columnType: number;
}

/** Column types whose values are bytes when their character set is binary (mysql2 reads them as Buffers). */
const BYTE_TYPES = new Set([
  15, // VARCHAR
  16, // BIT
  249, // TINY_BLOB
  250, // MEDIUM_BLOB
  251, // LONG_BLOB
  252, // BLOB
  253, // VAR_STRING
  254, // STRING
  255, // GEOMETRY
]);

/** The part of mysql2's Packet the encoder reads: the payload is buffer[offset, end). */
interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
}

export interface RowPacketEncoderOptions {
  /** Rows per chunk at most. */
  chunkRows: number;
  /** Bytes per chunk, about (a single larger row gets a chunk of its own size). */
  chunkBytes: number;
}

export class RowPacketCsvEncoder {
  private out: Buffer;
  private pos = 0;
  private rowEnds: Uint32Array;
  private rows = 0;

  constructor(
    private readonly kinds: FieldKind[],
    private readonly options: RowPacketEncoderOptions,
    private readonly onChunk: (chunk: CsvChunk) => void,
  ) {
    this.out = Buffer.allocUnsafeSlow(options.chunkBytes);
    this.rowEnds = new Uint32Array(options.chunkRows);
  }

  /** Field kinds of the SELECT's result columns, checked against the columns asked for. */
  static kindsOf(columns: ExtractColumn[], fields: RowPacketField[]): FieldKind[] {
    if (fields.length !== columns.length || fields.some((f, i) => f.name.toLowerCase() !== columns[i].name.toLowerCase())) {
      throw new Error(`result columns ${fields.map((f) => f.name).join(', ')} differ from the selected ${columns.map((c) => c.name).join(', ')}`);
    }
    return columns.map((c, i) => {
      if (c.type.kind !== 'string') return RAW;
      const f = fields[i];
      return f.characterSet === BINARY_CHARSET && BYTE_TYPES.has(f.columnType) ? BASE64 : TEXT;
    });
  }

  /** Appends one row packet (mysql2 calls it as its row parser's `next`). */
  next(packet: RowPacket): void {
    const src = packet.buffer;
    let p = packet.offset;
    const worst = 2 * (packet.end - p) + 3 * this.kinds.length + 1; // every byte a doubled quote, every field quoted
    if (this.pos + worst > this.out.length) this.flush(worst);
    const out = this.out;
    const kinds = this.kinds;
    let o = this.pos;
    for (let c = 0; c < kinds.length; c++) {
      if (c > 0) out[o++] = COMMA;
      let len = src[p++];
      if (len >= 0xfb) {
        if (len === 0xfb) continue; // NULL: an empty unquoted field
        if (len === 0xfc) {
          len = src[p] | (src[p + 1] << 8);
          p += 2;
        } else if (len === 0xfd) {
          len = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16);
          p += 3;
        } else {
          len = src.readUInt32LE(p) + src.readUInt32LE(p + 4) * 2 ** 32;
          p += 8;
        }
      }
      const end = p + len;
      const kind = kinds[c];
      if (kind === RAW) {
        if (len < 24) while (p < end) out[o++] = src[p++];
        else {
          o += src.copy(out, o, p, end);
          p = end;
        }
      } else if (kind === TEXT) {
        if (len === 0) {
          out[o++] = QUOTE;
          out[o++] = QUOTE;
          continue;
        }
        const start = o;
        let plain = true;
        for (let i = p; i < end; i++) {
          const b = src[i];
          if (b === QUOTE || b === COMMA || b === LF || b === CR) {
            plain = false;
            break;
          }
          out[o++] = b;
        }
        if (!plain) {
          o = start;
          out[o++] = QUOTE;
          for (let i = p; i < end; i++) {
            const b = src[i];
            if (b === QUOTE) out[o++] = QUOTE;
            out[o++] = b;
          }
          out[o++] = QUOTE;
        }
        p = end;
      } else {
        if (len === 0) {
          out[o++] = QUOTE;
          out[o++] = QUOTE;
        } else o += out.write(src.toString('base64', p, end), o, 'latin1');
        p = end;
      }
    }
    out[o++] = LF;
    this.pos = o;
    this.rowEnds[this.rows++] = o;
    if (this.rows === this.rowEnds.length) this.flush(0);
  }

  /** Hands over the rows encoded so far (if any) and starts a chunk with room for `atLeast` bytes. */
  flush(atLeast = 0): void {
    if (this.rows > 0) {
      this.onChunk({ csv: this.out.subarray(0, this.pos), rows: this.rows, rowEnds: this.rowEnds.subarray(0, this.rows) });
      this.rowEnds = new Uint32Array(this.options.chunkRows);
      this.out = Buffer.allocUnsafeSlow(Math.max(this.options.chunkBytes, atLeast));
    } else if (atLeast > this.out.length) {
      this.out = Buffer.allocUnsafeSlow(atLeast);
    }
    this.pos = 0;
    this.rows = 0;
  }
}

/** The rows `from`..`to` (exclusive) of a chunk, sharing its bytes. */
export function sliceCsvChunk(chunk: CsvChunk, from: number, to: number): CsvChunk {
  if (from === 0 && to === chunk.rows) return chunk;
  const start = from === 0 ? 0 : chunk.rowEnds[from - 1];
  const ends = chunk.rowEnds.subarray(from, to).map((e) => e - start);
  return { csv: chunk.csv.subarray(start, chunk.rowEnds[to - 1]), rows: to - from, rowEnds: ends };
}

/**
 * Makes `encoder` the row parser of a mysql2 query that has not received its
 * fields yet. Returns false when this mysql2 build's query command does not
 * have the expected shape (the caller then reads parsed rows instead).
 */
export function installRowPacketEncoder(query: Query, encoder: () => RowPacketCsvEncoder | undefined): boolean {
  const command = query as unknown as Record<string, unknown>;
  if (!('_rowParser' in command) || command._rowParser !== null || typeof command.row !== 'function') return false;
  const parser = {
    next(packet: RowPacket) {
      encoder()?.next(packet);
    },
  };
  Object.defineProperty(command, '_rowParser', {
    configurable: true,
    get: () => parser,
    set: () => undefined, // mysql2 assigns its own parser once the fields are in
  });
  return true;
}
