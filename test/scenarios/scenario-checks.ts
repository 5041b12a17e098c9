/**
 * Assertions shared by the scenarios: a landed partition is complete and holds
 * exactly the source's rows; connection states in the Airbyte simulator; the
 * alerts a workflow sent.
 */
import { ACODE_STREAMS, AIRBYTE_CONNECTIONS, SUCCESS_MARKER, partitionPrefix, type BucketRole, type SourceRole } from '../../config/pipelines';
import type { Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn, sorted, sourceKeys } from './landed-data';

export const ACODE_STREAM_NAMES = ACODE_STREAMS.map((s) => s.name);

/** Every ACODE stream of the date in the bucket: Parquet files, `_SUCCESS`, and the source's keys exactly (no duplicate, none missing). */
export async function expectAcodePartitionsMatchSource(stack: Stack, bucket: BucketRole, date: string, role: SourceRole): Promise<void> {
  for (const stream of ACODE_STREAM_NAMES) {
    const prefix = partitionPrefix('acode', stream, date);
    const keys = await listKeys(stack.s3, stack.buckets[bucket], prefix);
    expect(keys).toContain(`${prefix}${SUCCESS_MARKER}`);
    expect(keys.filter((k) => k.endsWith('.parquet')).length).toBeGreaterThan(0);
    const landed = sorted(await parquetColumn(stack.s3, stack.buckets[bucket], prefix));
    const source = sorted(await sourceKeys(stack.sources, role, stream));
    expect(landed.length).toBe(source.length);
    expect(landed).toEqual(source);
  }
}

export function connectionStatus(stack: Stack, role: SourceRole): string {
  const name = AIRBYTE_CONNECTIONS.acode[role] as string;
  return stack.airbyte.registry.get(stack.airbyte.connectionId(name)).status;
}

/** Puts the simulator's ACODE connections back to their defaults: primary active, backup inactive. */
export async function resetAcodeConnections(stack: Stack): Promise<void> {
  await stack.activities.setConnectionStatus({ connectionName: AIRBYTE_CONNECTIONS.acode.primary as string, status: 'active' });
  await stack.activities.setConnectionStatus({ connectionName: AIRBYTE_CONNECTIONS.acode.backup as string, status: 'inactive' });
}

/** Slack messages (any channel) whose text mentions `fragment`. */
export function slackMentioning(stack: Stack, fragment: string) {
  return stack.slack.received().filter((m) => (m.text ?? '').includes(fragment));
}

/** PagerDuty events whose dedup key or summary mentions `fragment`. */
export function pagesMentioning(stack: Stack, fragment: string) {
  return stack.pagerDuty.received().filter((e) => e.dedup_key.includes(fragment) || (e.payload?.summary ?? '').includes(fragment));
}
