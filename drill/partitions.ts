/** What a day's ACODE partitions hold in a bucket, against the source: marked complete or not, rows, duplicates, rows missing. */
import { ACODE_STREAMS, SUCCESS_MARKER, partitionPrefix, type BucketRole } from '../config/pipelines';
import type { Stack } from '../test/helpers/stack-env';
import { listKeys, parquetColumn, sourceKeys } from '../test/scenarios/landed-data';

export interface PartitionState {
  bucket: BucketRole;
  stream: string;
  complete: boolean;
  files: number;
  rows: number;
  duplicates: number;
  missing: number;
}

export async function partitionStates(stack: Stack, bucket: BucketRole, date: string): Promise<PartitionState[]> {
  const out: PartitionState[] = [];
  for (const { name } of ACODE_STREAMS) {
    const prefix = partitionPrefix('acode', name, date);
    const keys = await listKeys(stack.s3, stack.buckets[bucket], prefix);
    const landed = await parquetColumn(stack.s3, stack.buckets[bucket], prefix).catch(() => [] as string[]);
    const present = new Set(landed);
    const source = await sourceKeys(stack.sources, 'primary', name);
    out.push({
      bucket,
      stream: name,
      complete: keys.includes(prefix + SUCCESS_MARKER),
      files: keys.filter((k) => k.endsWith('.parquet')).length,
      rows: landed.length,
      duplicates: landed.length - present.size,
      missing: source.filter((k) => !present.has(k)).length,
    });
  }
  return out;
}

/** Partitions marked complete (`_SUCCESS`) while rows are missing or doubled: what must never exist. */
export const completeButWrong = (states: PartitionState[]) => states.filter((s) => s.complete && (s.missing > 0 || s.duplicates > 0));
