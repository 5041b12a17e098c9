import { partitionFileName, partitionPrefix, quarantinePrefix } from '../../config/pipelines';
import { parseIngestionDate } from '../../config/calendar';

describe('ingestion dates', () => {
  it('accepts a real calendar day', () => {
    expect(parseIngestionDate('2026-02-28')).toBe('2026-02-28');
  });
  it.each(['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '', 20260101, null])('rejects %p with a message naming the value', (bad) => {
    expect(() => parseIngestionDate(bad)).toThrow(/invalid date/);
  });
});

describe('S3 layout', () => {
  it('follows the layout of the Airbyte S3 destination', () => {
    expect(partitionPrefix('acode', 'farmarcas_si_analitico_diario', '2026-11-27')).toBe(
      'origin=airbyte/database=bronze_acode/farmarcas_si_analitico_diario/cog_dt_ingestion=2026-11-27/',
    );
    expect(partitionFileName('acode', 'x', 7)).toBe('file_x_007.parquet');
    expect(partitionFileName('radar', 'store', 0)).toBe('file_store_part_0.parquet');
    expect(quarantinePrefix('acode', '2026-11-27')).toBe('acode-20261127/');
  });
});
