/**
 * network-partition: at the window's opening, as the day's sync starts, the
 * network to the ACODE primary is cut for 12 minutes of service time by a TCP
 * proxy (local/net/partition-proxy.ts) in one of two modes, DEFAULT_PARTITION_MODE
 * unless `npm run drill -- network-partition --drop|--swallow` says otherwise:
 *   - `drop`: every connection is reset at once, as behind a firewall REJECT;
 *     each check fails within milliseconds of wall time.
 *   - `swallow`: connections are accepted and never answered, as behind a
 *     firewall DROP; each check waits its real 30-s connect timeout (a socket
 *     timeout is wall time, and an activity in flight holds the test server's
 *     clock), so the drill takes a couple of minutes.
 * Either way the sync's source check fails and hands over to recovery
 * (retry_primary_with_delay): it waits 5 min, re-tests (still cut), waits
 * 10 min, re-tests (back) and runs the primary sync; the backup is never used.
 * The health monitor sees two failed checks in between, not the three that would fail over.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { DRILL_FAULTS } from '../../config/objectives';
import { acodeDailySyncId, healthMonitorId } from '../../workflows/ids';
import { healthStateQuery } from '../../workflows/messages';
import type { RecoveryResult } from '../../workflows/recovery';
import { pollUntil } from '../../test/scenarios/poll-until';
import type { PartitionMode } from '../../local/net/partition-proxy';
import type { DrillContext } from '../drill-stack';
import { monitorChecks, recoverySteps, runTimes } from '../history';
import { summarize } from '../measures';
import { partitionStates } from '../partitions';
import { rowsLost } from '../rows-lost';
import { firstAfter, isCriticalAlert, isFailureAlert, isFailedCheck, isPage, type Scenario, type ScenarioRun } from '../scenario';

const RECOVERY_IN_MESSAGE = /recovery (recovery-acode-[a-z_]+-\d{4}-\d{2}-\d{2}) started/;

/** The partition mode the drill (and CI) runs unless asked otherwise. */
export const DEFAULT_PARTITION_MODE: PartitionMode = 'drop';

const CUT_LABEL: Record<PartitionMode, string> = {
  drop: 'network to the primary cut (drop): connections reset at once',
  swallow: 'network to the primary cut (swallow): connections accepted, never answered',
};

async function run(ctx: DrillContext, mode: PartitionMode): Promise<ScenarioRun> {
  const { stack, timeline, date } = ctx;
  const proxy = stack.partitionProxy!;
  const monitorId = healthMonitorId('acode');
  const monitor = await stack.start('healthMonitor', { system: 'acode', engine: 'direct' }, monitorId);
  try {
    await pollUntil('the first health cycle', async () => ((await monitor.query(healthStateQuery)).totalCycles >= 1 ? true : undefined), 60_000);
    const faultAt = await timeline.now();
    const healAt = faultAt + DRILL_FAULTS.partitionForMs;
    proxy.partition({ mode, isOver: async () => (await timeline.now()) >= healAt });
    timeline.add({ at: faultAt, kind: 'fault', label: CUT_LABEL[mode] });
    timeline.add({ at: healAt, kind: 'fault', label: 'network to the primary back' });

    const syncId = acodeDailySyncId(date, 'primary');
    const sync = await stack.start('acodeDailySync', { date, source: 'primary', engine: 'direct' }, syncId);
    const syncError = await sync.result().then(
      () => undefined,
      (err: unknown) => (err instanceof WorkflowFailedError ? err : Promise.reject(err)),
    );
    const syncRun = await runTimes(stack.client, syncId);
    const message = `${syncError?.cause?.message ?? ''}`;
    const recoveryId = RECOVERY_IN_MESSAGE.exec(message)?.[1];
    if (!recoveryId) throw new Error(`network-partition: the day's sync did not hand over to recovery (${syncRun.status}: ${message.slice(0, 200)})`);
    const recovery = (await stack.client.workflow.getHandle(recoveryId).result()) as RecoveryResult;
    const state = await monitor.query(healthStateQuery);

    const syncFailed = { at: syncRun.close!, kind: 'step' as const, level: 'critical', label: `daily sync ${syncId} failed: ${message.slice(0, 120)}` };
    const events = timeline.events([syncFailed, ...(await monitorChecks(stack.client, monitorId)), ...recoverySteps(recovery.steps, recoveryId)]);
    const lost = await rowsLost(stack, date, 'primary');
    const landed = events.find((e) => e.kind === 'data' && e.label.includes('sync_succeeded') && e.at >= faultAt);
    const firstCheck = firstAfter(events, faultAt, isFailedCheck)?.at;
    const summary = summarize('network-partition', {
      faultAt,
      detectedAt: Math.min(syncFailed.at, firstCheck ?? Infinity, firstAfter(events, faultAt, isFailureAlert)?.at ?? Infinity),
      criticalAlertAt: firstAfter(events, faultAt, isCriticalAlert)?.at,
      pagedAt: firstAfter(events, faultAt, isPage)?.at,
      landedAt: landed?.at,
      completeAt: landed?.at,
      rowsLost: lost.lost,
      sourceRows: lost.source,
    });
    const waits = recovery.steps.filter((s) => s.step === 'waiting').map((s) => Number(/^(\d+) s/.exec(s.detail ?? '')?.[1]));
    return {
      summary,
      events,
      end: {
        recoveryId,
        strategy: recovery.strategy,
        finalStrategy: recovery.finalStrategy,
        outcome: recovery.outcome,
        waitsSeconds: waits,
        primaryTests: recovery.steps.filter((s) => s.step === 'primary_tested').map((s) => s.detail),
        usedBackup: recovery.steps.some((s) => s.detail?.includes('backup-sync')),
        reconciled: recovery.reconciliation !== undefined,
        monitorFailovers: state.failovers,
        monitorActiveConnection: state.activeConnection,
        partitionMode: mode,
        swallowedConnections: proxy.swallowed(),
        droppedConnections: proxy.dropped(),
        rowsLostPerStream: lost.perStream,
        bronze: await partitionStates(stack, 'bronze', ctx.date),
        backup: await partitionStates(stack, 'backup', ctx.date),
      },
    };
  } finally {
    proxy.heal();
    await monitor.terminate('drill over').catch(() => undefined);
  }
}

const DESCRIPTION: Record<PartitionMode, string> = {
  drop: "connections to the ACODE primary reset for 12 min as the day's sync starts",
  swallow: "connections to the ACODE primary swallowed (30-s timeouts) for 12 min as the day's sync starts",
};

/** The scenario with the partition in `mode`. */
export function networkPartitionWith(mode: PartitionMode): Scenario {
  return { name: 'network-partition', description: DESCRIPTION[mode], stack: { partitionProxy: true }, run: (ctx) => run(ctx, mode) };
}

export const networkPartition: Scenario = networkPartitionWith(DEFAULT_PARTITION_MODE);
