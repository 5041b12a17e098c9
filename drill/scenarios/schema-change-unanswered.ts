/**
 * schema-change-unanswered: at the window's opening a column of the fiscal
 * table is renamed on the primary (CNPJ → CNPJ_Emitente, replicated to the
 * backup), then the day's sync starts. It fails as schema_change; recovery asks
 * a person (manual_intervention_required) and nobody answers: PagerDuty after
 * 30 min, abort after 4 h, and the alert that the day's data is missing. The
 * objectives are missed by design: a schema change needs a decision.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ACODE_DATABASE } from '../../local/mariadb/credentials';
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import { acodeDailySyncId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import type { DrillContext } from '../drill-stack';
import { recoverySteps, runTimes } from '../history';
import { summarize } from '../measures';
import { partitionStates } from '../partitions';
import { rowsLost } from '../rows-lost';
import { firstAfter, isCriticalAlert, isFailureAlert, isPage, type Scenario, type ScenarioRun } from '../scenario';

const RECOVERY_IN_MESSAGE = /recovery (recovery-acode-[a-z_]+-\d{4}-\d{2}-\d{2}) started/;
export const RENAMED = { from: 'CNPJ', to: 'CNPJ_Emitente' } as const;

async function run(ctx: DrillContext): Promise<ScenarioRun> {
  const { stack, timeline, date } = ctx;
  await stack.pair.primary.withAdmin((conn) =>
    conn.query(`ALTER TABLE \`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\` RENAME COLUMN \`${RENAMED.from}\` TO \`${RENAMED.to}\``),
  );
  await stack.pair.waitForReplicaCatchUp();
  const faultAt = await timeline.mark('fault', `${ACODE_FISCAL_TABLE}.${RENAMED.from} renamed to ${RENAMED.to} on the primary`);

  const syncId = acodeDailySyncId(date, 'primary');
  const sync = await stack.start('acodeDailySync', { date, source: 'primary', engine: 'direct' }, syncId);
  const message = await sync.result().then(
    () => 'succeeded',
    (err: unknown) => (err instanceof WorkflowFailedError ? `${err.cause?.message ?? err.message}` : Promise.reject(err)),
  );
  const syncRun = await runTimes(stack.client, syncId);
  const recoveryId = RECOVERY_IN_MESSAGE.exec(message)?.[1];
  if (!recoveryId) throw new Error(`schema-change-unanswered: the day's sync did not hand over to recovery (${syncRun.status}: ${message.slice(0, 200)})`);
  // nobody decides: the recovery runs to its own bound on the skipping clock
  const recovery = (await stack.client.workflow.getHandle(recoveryId).result()) as RecoveryResult;

  const syncFailed = { at: syncRun.close!, kind: 'step' as const, level: 'critical', label: `daily sync ${syncId} failed: ${message.slice(0, 120)}` };
  const events = timeline.events([syncFailed, ...recoverySteps(recovery.steps, recoveryId)]);
  const lost = await rowsLost(stack, date, 'primary');
  const alertAt = (fragment: string) => firstAfter(events, faultAt, (e) => e.kind === 'alert' && e.label.includes(fragment))?.at;
  const summary = summarize(
    'schema-change-unanswered',
    {
      faultAt,
      detectedAt: Math.min(syncFailed.at, firstAfter(events, faultAt, isFailureAlert)?.at ?? Infinity),
      criticalAlertAt: firstAfter(events, faultAt, isCriticalAlert)?.at,
      pagedAt: firstAfter(events, faultAt, isPage)?.at,
      rowsLost: lost.lost,
      sourceRows: lost.source,
    },
    ['nobody decided: the day stays missing until a person answers the recovery (by design, a schema change needs a decision)'],
  );
  return {
    summary,
    events,
    end: {
      syncFailure: message,
      recoveryId,
      faultAt,
      strategy: recovery.strategy,
      outcome: recovery.outcome,
      personNeededAt: alertAt('recovery needs a person'),
      nobodyAnsweredAt: alertAt('nobody answered'),
      abortedAt: alertAt('recovery aborted'),
      recoveryPagedAt: firstAfter(events, faultAt, (e) => e.kind === 'page' && e.label === `PagerDuty trigger ${recoveryId}`)?.at,
      recoveryPages: stack.pagerDuty.received().filter((e) => e.dedup_key === recoveryId && e.event_action === 'trigger').length,
      dataMissingReported: stack.slack.received().some((m) => m.raw.includes('the data of the day is missing')),
      bronze: await partitionStates(stack, 'bronze', date),
      rowsLostPerStream: lost.perStream,
    },
  };
}

export const schemaChangeUnanswered: Scenario = {
  name: 'schema-change-unanswered',
  description: 'a source column renamed, nobody answers the recovery',
  run,
};
