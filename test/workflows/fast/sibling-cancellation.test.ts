/**
 * Streams synced at once stop together: when one fails for good, the daily
 * sync cancels the others and waits until their activities have stopped
 * before it fails, so nothing of the failed run still writes a partition
 * while the recovery's re-run writes it.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { acodeDailySyncId } from '../../../workflows/ids';
import { failureOf } from '../../helpers/failure-of';
import { ACODE_STREAM_NAMES, failure, healthy } from '../../helpers/standin-activities';
import { captureHistory, useFastEnv, waitForEvent } from './fast-env';

const env = useFastEnv();

type Event = temporal.api.history.v1.IHistoryEvent;
const EVENT_TYPE = temporal.api.enums.v1.EventType as unknown as Record<string, number>;
const isType = (e: Event, name: string) => e.eventType === EVENT_TYPE[`EVENT_TYPE_${name}`];

test('one stream fails for good: the sibling still running is cancelled and awaited, then the run fails with the first failure', async () => {
  const date = '2026-03-09';
  const id = acodeDailySyncId(date, 'primary');
  const [fiscal, produtos] = ACODE_STREAM_NAMES;
  const standins = env.use({
    // The fiscal stream fails once its sibling runs: a sibling not yet started is cancelled before it runs.
    syncTableToS3: async (input) => {
      if (input.stream !== fiscal) return healthy.syncTableToS3(input);
      await held.reached;
      throw failure('schema_change', `${fiscal}: column Data_Processamento missing`);
    },
  });
  const held = standins.hold('syncTableToS3', (input) => input.stream === produtos);
  const handle = await env.start('acodeDailySync', { date, recoverOnFailure: false }, id);
  await env.skipTimeUntil(held.reached);

  // the fiscal stream failed, the run asked for the held sibling's cancellation ... and is still running
  const requested = await waitForEvent(env.client, id, (e) => isType(e, 'ACTIVITY_TASK_CANCEL_REQUESTED'));
  expect((await handle.describe()).status.name).toBe('RUNNING');
  held.release();
  const err = await failureOf(handle.result());
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause?.message).toContain(`${fiscal}: column Data_Processamento missing`);

  // the sibling's activity ended before the run did
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduledId = requested.activityTaskCancelRequestedEventAttributes?.scheduledEventId;
  const siblingEnd = events.findIndex(
    (e) => (isType(e, 'ACTIVITY_TASK_COMPLETED') && e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduledId?.toString()) ||
      (isType(e, 'ACTIVITY_TASK_CANCELED') && e.activityTaskCanceledEventAttributes?.scheduledEventId?.toString() === scheduledId?.toString()),
  );
  const failed = events.findIndex((e) => isType(e, 'WORKFLOW_EXECUTION_FAILED'));
  expect(siblingEnd).toBeGreaterThan(0);
  expect(failed).toBeGreaterThan(siblingEnd);
  const scheduled = events.find((e) => e.eventId?.toString() === scheduledId?.toString());
  expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('syncTableToS3');
  await captureHistory(handle, 'acode-daily-sync-sibling-cancelled');
});
