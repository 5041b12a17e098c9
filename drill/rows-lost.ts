/** The RPO of a drill: rows of the day's source missing from the day's partition where readers read (bronze). */
import { ACODE_STREAMS, partitionPrefix, type SourceRole } from '../config/pipelines';
import type { Stack } from '../test/helpers/stack-env';
import { parquetColumn, sourceKeys } from '../test/scenarios/landed-data';

export async function rowsLost(stack: Stack, date: string, role: SourceRole = 'primary'): Promise<{ lost: number; source: number; perStream: Record<string, number> }> {
  let lost = 0;
  let source = 0;
  const perStream: Record<string, number> = {};
  for (const { name } of ACODE_STREAMS) {
    const keys = await sourceKeys(stack.sources, role, name);
    const landed = new Set(await parquetColumn(stack.s3, stack.buckets.bronze, partitionPrefix('acode', name, date)).catch(() => []));
    const missing = keys.filter((k) => !landed.has(k)).length;
    perStream[name] = missing;
    lost += missing;
    source += keys.length;
  }
  return { lost, source, perStream };
}
