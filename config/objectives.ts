/**
 * The recovery objectives a game-day drill is measured against, and the faults
 * the drills inject. Facts from the seeds (ACODE SLA: RTO < 2 h, RPO < 1 h;
 * seed 003: detection by three 5-minute checks) and from the drills' brief.
 * Pure data.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RecoveryObjectives {
  /** Fault → the first failed check or failed run that saw it. */
  detectWithinMs: number;
  /** Fault → the first CRITICAL alert. */
  criticalAlertWithinMs: number;
  /** Detection → the day's data landed and validated (the sample day). */
  landedAfterDetectionWithinMs: number;
  /** Fault → the day complete where readers read (RTO): strictly below. */
  rtoBelowMs: number;
  /** Rows of the day missing from the lake, counted against the source (RPO). */
  maxRowsLost: number;
}

export const RECOVERY_OBJECTIVES: Readonly<RecoveryObjectives> = Object.freeze({
  detectWithinMs: 15 * MINUTE,
  criticalAlertWithinMs: 15 * MINUTE,
  landedAfterDetectionWithinMs: 30 * MINUTE,
  rtoBelowMs: 2 * HOUR,
  maxRowsLost: 0,
});

/** The faults of each drill, in service time. */
export const DRILL_FAULTS = Object.freeze({
  /** The daily window opens at 02:00 UTC (the schedules' cron); drills start their day there. */
  windowStartUtcHour: 2,
  /** primary-down: the primary MariaDB is killed this long after the window opens … */
  primaryDownAfterMs: 1 * MINUTE,
  /** … and started again this long after it died. */
  primaryDownForMs: 50 * MINUTE,
  /** network-partition: connections to the primary swallowed (accepted, never answered) for this long. */
  partitionForMs: 12 * MINUTE,
  /** s3-outage: S3 answers 503 SlowDown to every request for this long, from the start of the sync. */
  s3OutageForMs: 20 * MINUTE,
  /** replica-lagging: the replica applies the primary's events this late (MASTER_DELAY). */
  replicaLagMs: 10 * MINUTE,
  /** The sample's size for a drill day. */
  fiscalRows: 3000,
});
