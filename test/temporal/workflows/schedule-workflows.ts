import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

const scheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** What a scheduled run reports back: its own id, its argument and the schedule that started it. */
export interface ScheduledRunReport {
  workflowId: string;
  partition: string;
  scheduledBy?: string;
}

/** A run started by a schedule: answers at once with what it knows about how it was started. */
export async function scheduledPartitionRun(partition: string): Promise<ScheduledRunReport> {
  const info = workflowInfo();
  return { workflowId: info.workflowId, partition, scheduledBy: info.typedSearchAttributes.get(scheduledById) };
}
