/**
 * The shapes the simulator answers with: the spec's, from the schemas written
 * from config.yaml (activities/airbyte/config-api-*.ts). Times are epoch
 * seconds, job ids int64, other ids UUIDs.
 */
export type { ConnectionStatus, JobStatus } from '../../activities/airbyte/config-api-requests';
export type {
  AttemptRead,
  AttemptStats,
  ConnectionRead,
  FailureReason,
  JobAggregatedStats,
  JobInfoRead,
  JobRead,
} from '../../activities/airbyte/config-api-responses';
import type { z } from 'zod';
import type { AirbyteStreamAndConfiguration as StreamSchema, JobWithAttemptsRead as JobWithAttemptsSchema } from '../../activities/airbyte/config-api-responses';

export type AirbyteStreamAndConfiguration = z.infer<typeof StreamSchema>;
export type JobWithAttemptsRead = z.infer<typeof JobWithAttemptsSchema>;

/** WorkspaceRead's required fields (the simulator serves one workspace; workspaces/list is gone since 1.7). */
export interface WorkspaceRead {
  workspaceId: string;
  organizationId: string;
  customerId: string;
  name: string;
  slug: string;
  initialSetupComplete: boolean;
}
