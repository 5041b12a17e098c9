/** What a sync's heartbeat details say of its progress (client/stream-progress.ts reads them). */
import type { KeyBound, KeySlice } from '../activities/types';
import { sliceSpan } from '../activities/engine/extract-ranges';

/**
 * Rows/files/total of a heartbeat's details, whatever of them is there: the
 * progress (`{ rows, files, total? }`), else the checkpoint alone (a heartbeat
 * after a file, or an earlier attempt's), its total the key span of its slices.
 */
export function heartbeatProgress(details: unknown): { rows: number; files: number; total?: number } {
  const d = (details ?? {}) as {
    progress?: { rows?: unknown; files?: unknown; total?: unknown };
    rows?: unknown;
    files?: unknown;
    bound?: KeyBound;
    slices?: KeySlice[];
  };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const rows = num(d.progress?.rows) ?? num(d.rows) ?? 0;
  const files = num(d.progress?.files) ?? num(d.files) ?? 0;
  const total = num(d.progress?.total) ?? checkpointSpan(d.bound, d.slices);
  return total === undefined ? { rows, files } : { rows, files, total };
}

function checkpointSpan(bound: KeyBound | undefined, slices: KeySlice[] | undefined): number | undefined {
  if (!bound || !Array.isArray(slices) || slices.length === 0) return undefined;
  try {
    return slices.reduce((n, s) => n + sliceSpan(s, bound), 0);
  } catch {
    return undefined;
  }
}
