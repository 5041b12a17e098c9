/** The failure types recovery understands, and the error `type` activities use to report them. */

export const FAILURE_TYPES = [
  'connection_timeout',
  'network_partition',
  'authentication_failed',
  'primary_db_down',
  'data_corruption',
  'schema_change',
  'airbyte_failure',
  'stale_data',
  'unknown',
] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

export function isFailureType(value: unknown): value is FailureType {
  return typeof value === 'string' && (FAILURE_TYPES as readonly string[]).includes(value);
}
