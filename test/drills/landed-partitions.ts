/**
 * End-state checks of the drills on an ACODE date in a bucket: a stream's
 * partition holds exactly the deterministic file set (file_<stream>_000…,
 * one `_SUCCESS`) and exactly the source's keys, none twice; and, after a
 * failed run, no partition is marked complete while data is missing.
 */
import { ACODE_STREAMS, SUCCESS_MARKER, partitionFileName, partitionPrefix, type BucketRole, FIRST_FILE_INDEX } from '../../config/pipelines';
import type { Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn, sorted, sourceKeys } from '../scenarios/landed-data';

export const ACODE_STREAM_NAMES = ACODE_STREAMS.map((s) => s.name);

export interface LandedStream {
  stream: string;
  complete: boolean;
  files: number;
  rows: number;
  duplicates: number;
  sourceRows: number;
}

/** What a stream's partition holds against the primary source. */
export async function measureLandedStream(stack: Stack, bucket: BucketRole, date: string, stream: string): Promise<LandedStream & { keys: string[]; landed: string[]; source: string[] }> {
  const prefix = partitionPrefix('acode', stream, date);
  const keys = await listKeys(stack.s3, stack.buckets[bucket], prefix);
  const landed = sorted(await parquetColumn(stack.s3, stack.buckets[bucket], prefix));
  const source = sorted(await sourceKeys(stack.sources, 'primary', stream));
  return {
    stream,
    complete: keys.includes(prefix + SUCCESS_MARKER),
    files: keys.filter((k) => k.endsWith('.parquet')).length,
    rows: landed.length,
    duplicates: landed.length - new Set(landed).size,
    sourceRows: source.length,
    keys,
    landed,
    source,
  };
}

/** ACODE's files are numbered from 001 (file_<stream>_001.parquet), as in the production layout. */


/** The object names a complete partition of `rows` rows has, at `maxRowsPerFile` rows a file. */
export function expectedPartitionKeys(stream: string, date: string, rows: number, maxRowsPerFile: number): string[] {
  const prefix = partitionPrefix('acode', stream, date);
  const files = Math.max(1, Math.ceil(rows / maxRowsPerFile));
  const names = Array.from({ length: files }, (_, i) => prefix + partitionFileName('acode', stream, FIRST_FILE_INDEX.acode + i));
  return [...names, prefix + SUCCESS_MARKER].sort();
}

/** Every ACODE stream of the date: exactly the expected files and one marker, exactly the source's keys, no duplicate. */
export async function expectStreamsLandedExactly(stack: Stack, bucket: BucketRole, date: string, maxRowsPerFile: number): Promise<LandedStream[]> {
  const out: LandedStream[] = [];
  for (const stream of ACODE_STREAM_NAMES) {
    const m = await measureLandedStream(stack, bucket, date, stream);
    expect(m.keys).toEqual(expectedPartitionKeys(stream, date, m.sourceRows, maxRowsPerFile));
    expect(m.duplicates).toBe(0);
    expect(m.landed).toEqual(m.source);
    out.push({ stream, complete: m.complete, files: m.files, rows: m.rows, duplicates: m.duplicates, sourceRows: m.sourceRows });
  }
  return out;
}

/** For each stream: `_SUCCESS` present ⇒ exactly the source's rows. Returns what each partition looked like. */
export async function expectNoCompletePartitionMissingData(stack: Stack, bucket: BucketRole, date: string): Promise<LandedStream[]> {
  const out: LandedStream[] = [];
  for (const stream of ACODE_STREAM_NAMES) {
    const m = await measureLandedStream(stack, bucket, date, stream);
    if (m.complete) {
      expect(m.duplicates).toBe(0);
      expect(m.landed).toEqual(m.source);
    }
    out.push({ stream, complete: m.complete, files: m.files, rows: m.rows, duplicates: m.duplicates, sourceRows: m.sourceRows });
  }
  return out;
}
