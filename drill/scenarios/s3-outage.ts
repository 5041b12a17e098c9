/**
 * s3-outage: the day's sync starts at the window's opening; as its first
 * stream begins to upload, S3 answers 503 SlowDown to every request for 20
 * minutes of service time (the fault proxy in front of the activities' S3
 * client, asking the service clock per request). What the drill watches: the
 * uploads retried, no partition marked complete with data missing at any point
 * it looks, the recovery asking S3 every minute, and the day landed in bronze
 * once S3 answers again.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { DRILL_FAULTS } from '../../config/objectives';
import { acodeDailySyncId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import type { DrillContext } from '../drill-stack';
import { recoverySteps, runTimes } from '../history';
import { summarize } from '../measures';
import { completeButWrong, partitionStates } from '../partitions';
import { rowsLost } from '../rows-lost';
import { firstAfter, isCriticalAlert, isFailureAlert, isPage, type Scenario, type ScenarioRun } from '../scenario';
import type { DrillEvent } from '../timeline';

const RECOVERY_IN_MESSAGE = /recovery (recovery-acode-[a-z_]+-\d{4}-\d{2}-\d{2}) started/;

async function run(ctx: DrillContext): Promise<ScenarioRun> {
  const { stack, timeline, date } = ctx;
  const proxy = stack.s3Proxy!;
  const syncId = acodeDailySyncId(date, 'primary');
  const firstUpload = stack.hold('syncTableToS3');
  const sync = await stack.start('acodeDailySync', { date, source: 'primary', engine: 'direct' }, syncId);
  await firstUpload.reached;
  const faultAt = await timeline.now();
  const endAt = faultAt + DRILL_FAULTS.s3OutageForMs;
  proxy.failWhile(async () => (await timeline.now()) < endAt, { status: 503 });
  timeline.add({ at: faultAt, kind: 'fault', label: 'S3 answering 503 SlowDown to every request' });
  timeline.add({ at: endAt, kind: 'fault', label: 'S3 answering again' });
  firstUpload.release();

  const extra: DrillEvent[] = [];
  const outcome = await sync.result().then(
    () => 'succeeded',
    (err: unknown) => (err instanceof WorkflowFailedError ? `${err.cause?.message ?? err.message}` : Promise.reject(err)),
  );
  const syncRun = await runTimes(stack.client, syncId);
  const afterSync = [...(await partitionStates(stack, 'bronze', date)), ...(await partitionStates(stack, 'backup', date))];
  extra.push({
    at: syncRun.close!,
    kind: outcome === 'succeeded' ? 'data' : 'step',
    level: outcome === 'succeeded' ? undefined : 'critical',
    label: outcome === 'succeeded' ? `daily sync ${syncId} succeeded: the day landed and validated` : `daily sync ${syncId} failed: ${outcome.slice(0, 140)}`,
  });

  let recovery: RecoveryResult | undefined;
  const recoveryId = outcome === 'succeeded' ? undefined : RECOVERY_IN_MESSAGE.exec(outcome)?.[1];
  if (recoveryId) {
    recovery = (await stack.client.workflow.getHandle(recoveryId).result()) as RecoveryResult;
    extra.push(...recoverySteps(recovery.steps, recoveryId));
  }
  proxy.clear();
  const final = [...(await partitionStates(stack, 'bronze', date)), ...(await partitionStates(stack, 'backup', date))];
  const events = timeline.events(extra);
  const lost = await rowsLost(stack, date, 'primary');
  const landed = events.find((e) => e.kind === 'data' && e.at >= faultAt);
  const complete = events.filter((e) => e.kind === 'data' && e.at >= faultAt).pop();
  const failedS3 = proxy.count(undefined, 'failed');
  const summary = summarize(
    's3-outage',
    {
      faultAt,
      detectedAt: outcome === 'succeeded' ? undefined : Math.min(syncRun.close!, firstAfter(events, faultAt, isFailureAlert)?.at ?? Infinity),
      criticalAlertAt: firstAfter(events, faultAt, isCriticalAlert)?.at,
      pagedAt: firstAfter(events, faultAt, isPage)?.at,
      landedAt: landed?.at,
      completeAt: complete?.at,
      rowsLost: lost.lost,
      sourceRows: lost.source,
    },
    [`${failedS3} S3 requests answered 503 during the outage`],
  );
  return {
    summary,
    events,
    end: {
      syncOutcome: outcome === 'succeeded' ? 'succeeded' : 'failed',
      recoveryId,
      strategy: recovery?.strategy,
      finalStrategy: recovery?.finalStrategy,
      recoveryOutcome: recovery?.outcome,
      recoverySyncRuns: recovery?.steps.filter((s) => s.step === 'sync_started').length ?? 0,
      s3RequestsFailed: failedS3,
      completeButWrongAfterSync: completeButWrong(afterSync),
      completeButWrongAtEnd: completeButWrong(final),
      bronze: final.filter((s) => s.bucket === 'bronze'),
      rowsLostPerStream: lost.perStream,
    },
  };
}

export const s3Outage: Scenario = {
  name: 's3-outage',
  description: 'S3 answering 503 for 20 min of service time during the day\'s sync',
  stack: { s3Faults: true },
  run,
};
