/**
 * What a direct sync is asked for: its input checked before any I/O, and the
 * stream's spec (config's for a declared stream, else one whose columns the
 * source has).
 */
import { BUCKETS, declaredStream, isSourceRole, isSystem, type BucketRole, type StreamSpec } from '../../config/pipelines';
import { parseIngestionDate } from '../../config/calendar';
import { invalidInput } from '../../config/failures';
import type { TableSyncInput } from '../types';
import { assertIdentifier } from './extract-columns';

/** The stream's spec: ACODE's from config; any other table carries the columns the source has. */
export function streamSpecFor(system: TableSyncInput['system'], stream: string): StreamSpec {
  const known = declaredStream(system, stream);
  return known ?? { name: stream, primaryKey: 'id', columns: [], critical: false };
}

export function validateInput(input: TableSyncInput, buckets: Record<BucketRole, string> = { ...BUCKETS }): void {
  const where = `syncTableToS3 ${JSON.stringify(input)}`;
  if (!input || typeof input !== 'object') throw invalidInput('syncTableToS3: input missing');
  if (!isSystem(input.system)) throw invalidInput(`${where}: unknown system`);
  if (!isSourceRole(input.role)) throw invalidInput(`${where}: unknown role`);
  if (!(input.bucket in buckets)) throw invalidInput(`${where}: unknown bucket role ${JSON.stringify(input.bucket)}`);
  try {
    assertIdentifier(input.stream, 'stream (table name)');
    parseIngestionDate(input.date);
  } catch (err) {
    throw invalidInput(`${where}: ${(err as Error).message}`);
  }
}
