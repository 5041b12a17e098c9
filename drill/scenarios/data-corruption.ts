/**
 * data-corruption: the day's sync starts at the window's opening; after its
 * files land and before validation reads them, one Parquet file of the fiscal
 * stream is damaged in place (cut to half its bytes: no footer). Validation
 * finds it (data_corruption), recovery runs full_backup_restore: the day's
 * partitions moved to the quarantine bucket (copied, verified, never deleted
 * there), the day synced from the backup with its integrity checks, then
 * reconciled into bronze.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ACODE_FISCAL_TABLE, FIRST_FILE_INDEX, partitionFileName, partitionPrefix, quarantinePrefix } from '../../config/pipelines';
import { acodeDailySyncId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import { listKeys, readObject } from '../../test/scenarios/landed-data';
import type { DrillContext } from '../drill-stack';
import { recoverySteps, runTimes } from '../history';
import { summarize } from '../measures';
import { partitionStates } from '../partitions';
import { rowsLost } from '../rows-lost';
import { firstAfter, isCriticalAlert, isFailureAlert, isPage, type Scenario, type ScenarioRun } from '../scenario';

const RECOVERY_IN_MESSAGE = /recovery (recovery-acode-[a-z_]+-\d{4}-\d{2}-\d{2}) started/;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function run(ctx: DrillContext): Promise<ScenarioRun> {
  const { stack, timeline, date } = ctx;
  const stream = ACODE_FISCAL_TABLE;
  const key = partitionPrefix('acode', stream, date) + partitionFileName('acode', stream, FIRST_FILE_INDEX.acode);
  const syncId = acodeDailySyncId(date, 'primary');
  const validation = stack.hold('inspectPartition', (input: { stream?: string; bucket?: string }) => input.stream === stream && input.bucket === 'bronze');
  const sync = await stack.start('acodeDailySync', { date, source: 'primary', engine: 'direct' }, syncId);
  await stack.skipTimeUntil(validation.reached);
  const original = await readObject(stack.s3, stack.buckets.bronze, key);
  const damaged = original.subarray(0, Math.floor(original.length / 2));
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.buckets.bronze, Key: key, Body: damaged }));
  const faultAt = await timeline.mark('fault', `${key.split('/').pop()} damaged in bronze (${original.length} → ${damaged.length} bytes)`);
  validation.release();

  const message = await sync.result().then(
    () => 'succeeded',
    (err: unknown) => (err instanceof WorkflowFailedError ? `${err.cause?.message ?? err.message}` : Promise.reject(err)),
  );
  const syncRun = await runTimes(stack.client, syncId);
  const recoveryId = RECOVERY_IN_MESSAGE.exec(message)?.[1];
  if (!recoveryId) throw new Error(`data-corruption: the day's sync did not hand over to recovery (${syncRun.status}: ${message.slice(0, 200)})`);
  const recovery = (await stack.client.workflow.getHandle(recoveryId).result()) as RecoveryResult;

  const quarantined = await listKeys(stack.s3, stack.buckets.quarantine, quarantinePrefix('acode', date));
  const copyKey = quarantined.find((k) => k.endsWith(`/${key.split('/').pop()}`));
  const copy = copyKey ? await readObject(stack.s3, stack.buckets.quarantine, copyKey) : undefined;

  const syncFailed = { at: syncRun.close!, kind: 'step' as const, level: 'critical', label: `daily sync ${syncId} failed: ${message.slice(0, 120)}` };
  const events = timeline.events([syncFailed, ...recoverySteps(recovery.steps, recoveryId)]);
  const lost = await rowsLost(stack, date, 'primary');
  const step = (name: string) => events.find((e) => e.label.includes(`: ${name}`) && e.at >= faultAt);
  const summary = summarize('data-corruption', {
    faultAt,
    detectedAt: Math.min(syncFailed.at, firstAfter(events, faultAt, isFailureAlert)?.at ?? Infinity),
    criticalAlertAt: firstAfter(events, faultAt, isCriticalAlert)?.at,
    pagedAt: firstAfter(events, faultAt, isPage)?.at,
    landedAt: step('sync_succeeded')?.at,
    completeAt: step('reconciled')?.at,
    rowsLost: lost.lost,
    sourceRows: lost.source,
  });
  return {
    summary,
    events,
    end: {
      syncFailure: message,
      recoveryId,
      strategy: recovery.strategy,
      finalStrategy: recovery.finalStrategy,
      outcome: recovery.outcome,
      quarantinedSteps: recovery.steps.filter((s) => s.step === 'quarantined').map((s) => s.detail),
      quarantinedObjects: quarantined.length,
      damagedCopyKey: copyKey,
      damagedCopyIdentical: copy !== undefined && sha256(copy) === sha256(damaged),
      reconciled: recovery.reconciliation?.recordsReconciled,
      bronze: await partitionStates(stack, 'bronze', date),
      backup: await partitionStates(stack, 'backup', date),
      rowsLostPerStream: lost.perStream,
    },
  };
}

export const dataCorruption: Scenario = {
  name: 'data-corruption',
  description: 'a Parquet file of today\'s fiscal partition damaged before validation reads it',
  run,
};
