/**
 * The row-packet CSV encoder on hand-built MySQL text-protocol row packets:
 * length prefixes of every width, NULL, quoting, chunk bounds and row cuts.
 */
import { RowPacketCsvEncoder, sliceCsvChunk, type CsvChunk } from '../../activities/engine/extract-row-packets';
import type { ExtractColumn } from '../../activities/engine/extract-columns';

/** A length-encoded field as the server sends it; null is 0xFB. */
function field(value: string | null): Buffer {
  if (value === null) return Buffer.from([0xfb]);
  const bytes = Buffer.from(value, 'utf8');
  const n = bytes.length;
  const prefix =
    n < 0xfb ? Buffer.from([n]) : n < 0x10000 ? Buffer.from([0xfc, n & 0xff, n >> 8]) : Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  return Buffer.concat([prefix, bytes]);
}

/** A packet as mysql2 hands it over: 4 header bytes, then the payload up to `end`. */
function packet(values: (string | null)[]) {
  const buffer = Buffer.concat([Buffer.alloc(4), ...values.map(field), Buffer.from('trailing bytes of the next packet')]);
  const payload = values.reduce((n, v) => n + field(v).length, 0);
  return { buffer, offset: 4, end: 4 + payload };
}

const columns: ExtractColumn[] = [
  { name: 'idpk', type: { kind: 'bigint' }, nullable: false },
  { name: 'Valor', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
  { name: 'Nome', type: { kind: 'string' }, nullable: true },
];
const fields = columns.map((c) => ({ name: c.name, characterSet: c.type.kind === 'string' ? 45 : 63, columnType: c.type.kind === 'string' ? 253 : 8 }));

function encode(rows: (string | null)[][], chunkRows: number, chunkBytes: number): CsvChunk[] {
  const chunks: CsvChunk[] = [];
  const encoder = new RowPacketCsvEncoder(RowPacketCsvEncoder.kindsOf(columns, fields), { chunkRows, chunkBytes }, (c) => chunks.push(c));
  for (const row of rows) encoder.next(packet(row));
  encoder.flush();
  return chunks;
}

it('writes NULL as an empty field, an empty string as "", and quotes only text that needs it', () => {
  const long = 'ü'.repeat(200); // 400 bytes: a 3-byte length prefix
  const huge = 'z'.repeat(70_000); // a 4-byte length prefix
  const chunks = encode(
    [
      ['1', '-0.01', 'Farmácia'],
      ['2', null, ''],
      ['9007199254740993', '9999999999999.99', 'a "b", c\r\nd'],
      ['4', '0.00', null],
      ['5', '1.10', long],
      ['6', '2.00', huge],
    ],
    100,
    1024,
  );
  expect(chunks.map((c) => c.rows)).toEqual([5, 1]); // the 70 kB row gets a chunk of its own size
  const lines = ['1,-0.01,Farmácia', '2,,""', '9007199254740993,9999999999999.99,"a ""b"", c\r\nd"', '4,0.00,', `5,1.10,${long}`, `6,2.00,${huge}`];
  expect(Buffer.concat(chunks.map((c) => c.csv)).toString('utf8')).toBe(lines.join('\n') + '\n');
  let end = 0;
  expect([...chunks[0].rowEnds]).toEqual(lines.slice(0, 5).map((l) => (end += Buffer.byteLength(l) + 1)));
  expect([...chunks[1].rowEnds]).toEqual([Buffer.byteLength(lines[5]) + 1]);
});

it('cuts chunks at the row bound and the byte bound, and a cut chunk slices back into whole rows', () => {
  const rows = Array.from({ length: 10 }, (_, i) => [String(i), `${i}.50`, `nome ${i}`]);
  const byRows = encode(rows, 4, 1 << 20);
  expect(byRows.map((c) => c.rows)).toEqual([4, 4, 2]);
  const byBytes = encode(rows, 100, 48); // ~14 bytes a row; room is checked against the worst case
  expect(byBytes.length).toBeGreaterThan(1);
  expect(byBytes.reduce((n, c) => n + c.rows, 0)).toBe(10);
  expect(Buffer.concat(byBytes.map((c) => c.csv)).toString()).toBe(Buffer.concat(byRows.map((c) => c.csv)).toString());

  const part = sliceCsvChunk(byRows[0], 1, 3);
  expect(part.rows).toBe(2);
  expect(part.csv.toString()).toBe('1,1.50,nome 1\n2,2.50,nome 2\n');
  expect([...part.rowEnds]).toEqual([14, 28]);
  expect(sliceCsvChunk(byRows[0], 0, 4)).toBe(byRows[0]);
});

it('refuses result columns that are not the ones selected', () => {
  expect(() => RowPacketCsvEncoder.kindsOf(columns, fields.slice(0, 2))).toThrow(/result columns idpk, Valor differ from the selected idpk, Valor, Nome/);
});
