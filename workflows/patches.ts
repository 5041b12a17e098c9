/**
 * Workflow changes that alter the commands a running workflow issues, each
 * guarded with `patched(id)` so histories recorded before the change replay
 * (test/replay). Remove a patch once no history older than it can be replayed.
 */
export const PATCHES = {
  /** A stream read against a consistent bound is checked against its own rows read, not a later COUNT(*) of the live table. */
  consistentBound: 'validate-against-consistent-bound',
  /** Radar's Airbyte-engine partitions pass the lake's schema gate (inspectPartition), as every landed partition does. */
  radarSchemaGate: 'radar-airbyte-schema-gate',
  /** The direct engine's tables are planned first: one too big for one activity is read by one activity per key slice. */
  distributedRanges: 'distributed-key-slices',
  /** While the lake's storage is down, the recovery asks it every minute and re-runs the sync once it answers. */
  storageChecks: 'storage-checks',
  /** After a switch-back, the failover's day is re-read from the primary. */
  catchUpAfterSwitchBack: 'catch-up-after-switch-back',
  /** Radar's previous-day volume is measured by one activity, not one listing per table. */
  volumeInOneActivity: 'volume-in-one-activity',
  /** Tables and slices synced at once stop together: one failing cancels and awaits the others. */
  cancelSiblings: 'cancel-siblings',
  /** Radar's small tables are synced in batches, one syncTablesToS3 activity each. */
  radarTableBatches: 'radar-table-batches',
} as const;
