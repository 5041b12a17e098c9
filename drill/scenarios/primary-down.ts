/**
 * primary-down: the ACODE primary MariaDB is killed one minute into the day's
 * window, before the day's sync has read it, and started again 50 minutes
 * later (service time). The health monitor detects it (three failed 5-minute
 * checks), alerts CRITICAL and pages, hands over to recovery
 * (use_backup_immediately): the day is synced from the replica into the backup
 * bucket and validated, reconciliation lands it in bronze; the monitor probes
 * the primary every 10 minutes, switches back when it answers and re-reads the
 * day from it (the catch-up), which replaces what the replica had landed.
 */
import { DRILL_FAULTS } from '../../config/objectives';
import { healthMonitorId } from '../../workflows/ids';
import { healthStateQuery } from '../../workflows/messages';
import type { RecoveryResult } from '../../workflows/recovery';
import { pollUntil } from '../../test/scenarios/poll-until';
import { skipTo, type DrillContext } from '../drill-stack';
import { monitorChecks, recoverySteps, runTimes } from '../history';
import { summarize } from '../measures';
import { partitionStates } from '../partitions';
import { rowsLost } from '../rows-lost';
import { firstAfter, isCriticalAlert, isFailedCheck, isPage, type Scenario, type ScenarioRun } from '../scenario';
import type { DrillEvent } from '../timeline';

export interface IncidentOptions {
  /** The scenario's name in the summary. */
  name: string;
  /** Runs after the first health cycle, before the primary is killed (e.g. a replica falling behind); returns notes. */
  prepare?: (ctx: DrillContext) => Promise<string[]>;
}

/** The primary killed one minute into the window and started 50 min later, with the monitor watching; shared with replica-lagging. */
export async function primaryDownIncident(ctx: DrillContext, options: IncidentOptions): Promise<ScenarioRun> {
  const { stack, timeline } = ctx;
  const monitorId = healthMonitorId('acode');
  const monitor = await stack.start('healthMonitor', { system: 'acode', engine: 'direct' }, monitorId);
  try {
    // The clock is locked until a wait unlocks it: the first cycle runs at the window's opening.
    await pollUntil('the first health cycle', async () => ((await monitor.query(healthStateQuery)).totalCycles >= 1 ? true : undefined), 60_000);
    const notes = options.prepare ? await options.prepare(ctx) : [];
    await skipTo(ctx, ctx.windowStart + DRILL_FAULTS.primaryDownAfterMs);
    await stack.pair.stopPrimary();
    const faultAt = await timeline.mark('fault', 'primary MariaDB killed');

    const failedOver = await stack.skipTimeUntil(
      pollUntil('the failover', async () => {
        const s = await monitor.query(healthStateQuery);
        return s.failovers >= 1 ? s : undefined;
      }, 120_000),
    );
    const recoveryId = failedOver.lastFailover!.recoveryWorkflowId;
    const recovery = (await stack.client.workflow.getHandle(recoveryId).result()) as RecoveryResult;

    await skipTo(ctx, faultAt + DRILL_FAULTS.primaryDownForMs);
    await stack.pair.startPrimary();
    await timeline.mark('fault', 'primary MariaDB started again');
    // what bronze lacks while it holds the backup's landing (the monitor has not switched back yet: the clock is locked)
    const beforeCatchUp = await rowsLost(stack, ctx.date, 'primary');
    const back = await stack.skipTimeUntil(
      // The switch-back is counted in one workflow task, its catch-up recorded in a later one: both awaited.
      pollUntil('the switch-back and its catch-up', async () => {
        const s = await monitor.query(healthStateQuery);
        return s.switchBacks >= 1 && s.lastCatchUp ? s : undefined;
      }, 120_000),
    );

    const catchUpId = back.lastCatchUp?.workflowId;
    const catchUp: DrillEvent[] = [];
    if (catchUpId) {
      await stack.client.workflow.getHandle(catchUpId).result();
      const times = await runTimes(stack.client, catchUpId);
      catchUp.push({ at: times.close!, kind: 'data', label: `catch-up ${catchUpId} succeeded: the day re-read from the primary into bronze` });
    }
    const events = timeline.events([...(await monitorChecks(stack.client, monitorId)), ...recoverySteps(recovery.steps, recoveryId), ...catchUp]);
    const lost = await rowsLost(stack, ctx.date, 'primary');
    const step = (name: string) => events.find((e) => e.label.includes(`: ${name}`) && e.at >= faultAt);
    const summary = summarize(options.name, {
      faultAt,
      detectedAt: firstAfter(events, faultAt, isFailedCheck)?.at,
      criticalAlertAt: firstAfter(events, faultAt, isCriticalAlert)?.at,
      pagedAt: firstAfter(events, faultAt, isPage)?.at,
      landedAt: step('sync_succeeded')?.at,
      completeAt: step('reconciled')?.at,
      switchBackAt: firstAfter(events, faultAt, (e) => e.kind === 'alert' && e.label.includes('switched back'))?.at,
      rowsLost: lost.lost,
      sourceRows: lost.source,
    }, [...notes, `${beforeCatchUp.lost} of ${beforeCatchUp.source} source rows missing from bronze between the landing from the backup and the catch-up`]);
    return {
      summary,
      events,
      end: {
        recoveryId,
        strategy: recovery.strategy,
        finalStrategy: recovery.finalStrategy,
        outcome: recovery.outcome,
        reconciled: recovery.reconciliation?.recordsReconciled,
        failoverRisks: failedOver.risks,
        failoverAlertNamesRisk: stack.slack.received().some((m) => (m.text ?? '').includes('failing over to the backup') && m.raw.includes('replication lag')),
        failovers: back.failovers,
        switchBacks: back.switchBacks,
        activeConnection: back.activeConnection,
        rowsLostPerStream: lost.perStream,
        rowsMissingBeforeCatchUp: beforeCatchUp.perStream,
        catchUpId,
        bronze: await partitionStates(stack, 'bronze', ctx.date),
        backup: await partitionStates(stack, 'backup', ctx.date),
      },
    };
  } finally {
    await monitor.terminate('drill over').catch(() => undefined);
  }
}

export const primaryDown: Scenario = {
  name: 'primary-down',
  description: 'the ACODE primary MariaDB killed in the day\'s window, back 50 min later',
  run: (ctx) => primaryDownIncident(ctx, { name: 'primary-down' }),
};
