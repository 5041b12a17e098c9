/**
 * How soon a running activity's heartbeat reaches the service, at most: a
 * sync's checkpoint (its heartbeat details), so a retry re-reads little, and
 * the answer to a heartbeat, which is how a cancelled sync learns it must
 * stop. The SDK's default would be 0.8 × the heartbeat timeout, up to 60 s.
 * The worker and the test workers use the same value.
 */
export const MAX_HEARTBEAT_THROTTLE = '5s';
