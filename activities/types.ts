/**
 * The contract between workflows and activities. Workflows import these types
 * only; each activities/<system>.ts factory implements its part.
 *
 * Conventions every activity follows:
 * - Arguments carry names (system, role, stream, connection name), never secrets.
 * - A failure of an outside system that recovery can act on is thrown as
 *   `ApplicationFailure` whose `type` is a FailureType (config/failures.ts),
 *   e.g. type 'authentication_failed'. Invalid input is thrown as a
 *   non-retryable ApplicationFailure of type INVALID_INPUT (config/failures.ts);
 *   every failure is built with `failure()` there, so its retryability follows
 *   the one RETRYABLE table.
 * - Activities are idempotent: a retry never duplicates or loses a file or a row.
 * - Long activities heartbeat their progress and honour cancellation.
 */
import type { BucketRole, SourceRole, SystemName } from '../config/pipelines';
import type { FailureType } from '../config/failures';
import type { Level } from '../config/thresholds';

export type { Level };

// ---------- mysql ----------
export interface SourceRef {
  system: SystemName;
  role: SourceRole;
}
export interface ConnectivityResult {
  ok: boolean;
  latencyMs: number;
  failureType?: FailureType;
  /** One line, no secrets. */
  error?: string;
}
export interface FreshnessResult {
  /** ISO timestamp of MAX(Data_Processamento) or null when the table is empty. */
  latest: string | null;
  lagSeconds: number | null;
  level: Level;
}
export interface ReplicationLagResult {
  ioRunning: boolean;
  sqlRunning: boolean;
  /** Seconds_Behind_Master; null when replication is stopped. */
  lagSeconds: number | null;
  level: Level;
  lastError?: string;
}
export interface DiscoveredColumn {
  name: string;
  dataType: string;
  nullable: boolean;
}
export interface MysqlActivities {
  checkSourceConnectivity(input: SourceRef & { timeoutMs?: number }): Promise<ConnectivityResult>;
  measureFreshness(input: SourceRef & { table: string; column: string }): Promise<FreshnessResult>;
  countSourceRows(input: SourceRef & { table: string }): Promise<number>;
  measureReplicationLag(input: { system: SystemName }): Promise<ReplicationLagResult>;
  discoverSourceSchema(input: SourceRef & { table: string }): Promise<DiscoveredColumn[]>;
  listSourceTables(input: SourceRef): Promise<string[]>;
}

// ---------- direct engine ----------
export interface TableSyncInput extends SourceRef {
  stream: string;
  /** YYYY-MM-DD, the cog_dt_ingestion partition. */
  date: string;
  /** bronze for the primary, backup for ACODE's backup source. */
  bucket: BucketRole;
  /**
   * One key slice of a table too big for one activity (planTableSync): only
   * this slice is read, its files named by it; finishTableSync completes the
   * partition once every slice landed.
   */
  slice?: { bound: KeyBound; slice: KeySlice; count: number };
}
/** The key interval a sync reads (activities/engine/extract-ranges.ts). */
export interface KeyBound {
  key: string;
  low?: string | null;
  high: string | null;
}
export interface KeySlice {
  index: number;
  after: string | null;
  upTo: string | null;
}
/** How a table's sync is split: no slices, one activity reads it whole; else one activity per slice. */
export interface TableSyncPlan {
  stream: string;
  bound?: KeyBound;
  slices: KeySlice[];
}
export interface TableSyncResult {
  stream: string;
  rows: number;
  files: number;
  bytes: number;
  durationMs: number;
  /** s3://bucket/prefix/ of the partition written. */
  location: string;
  /**
   * The consistent bound the stream was read against (`key <= high`): the
   * partition holds exactly `rows`, the rows read from it. Absent for a table
   * without a single-column integer key (read whole).
   */
  bound?: KeyBound;
  /** Key slices read at once (several connections or activities); absent: one. */
  slices?: number;
  /** For one slice of a planned sync: how far it got (its files, rows, bytes). */
  slice?: KeySlice & { files: number; rows: number; bytes: number };
  /** Where a retried attempt continued: the files and rows an earlier attempt had landed. */
  resumedFrom?: { files: number; rows: number };
  /** Rows this attempt read from the source (the rest were landed by earlier attempts). */
  rowsReadThisAttempt?: number;
}
export interface ExtractActivities {
  /** MySQL table → Parquet (SNAPPY) files → S3, `_SUCCESS` last. */
  syncTableToS3(input: TableSyncInput): Promise<TableSyncResult>;
  /** Cuts each table too big for one activity into key slices (its bound read once) and withdraws their partitions' `_SUCCESS`. */
  planTableSync(input: Omit<TableSyncInput, 'stream' | 'slice'> & { streams: string[] }): Promise<TableSyncPlan[]>;
  /** Completes a partition whose slices all landed: other objects removed, `_SUCCESS` written; the slices' totals. */
  finishTableSync(input: Omit<TableSyncInput, 'slice'> & { bound: KeyBound; slices: TableSyncResult[] }): Promise<TableSyncResult>;
  /**
   * Small tables one after another in one activity, each as syncTableToS3 would:
   * a table's failure is its answer (the others go on); a retried attempt keeps the tables done.
   */
  syncTablesToS3(input: Omit<TableSyncInput, 'stream' | 'slice'> & { streams: string[] }): Promise<TableInBatch[]>;
}
/** One table of a syncTablesToS3 batch: its result, or its failure (one line, the contract's type). */
export interface TableInBatch {
  stream: string;
  result?: TableSyncResult;
  failure?: { type: string; message: string; nonRetryable: boolean };
}

// ---------- s3 ----------
export interface PartitionRef {
  bucket: BucketRole;
  system: SystemName;
  stream: string;
  date: string;
}
export interface PartitionListing {
  /** s3://<configured bucket name>/<partition prefix>. */
  location: string;
  files: { key: string; size: number; lastModified: string }[];
  totalBytes: number;
  complete: boolean; // _SUCCESS present
}
export interface S3Activities {
  listPartition(input: PartitionRef): Promise<PartitionListing>;
  /** The bytes of each stream's partition of a date, and their total (one activity for many small tables). */
  measurePartitionBytes(input: Omit<PartitionRef, 'stream'> & { streams: string[] }): Promise<{ totalBytes: number; perStream: Record<string, number> }>;
  /** Files written under today's partitions of a system within the last N minutes. */
  findRecentFiles(input: { bucket: BucketRole; system: SystemName; date: string; withinMinutes: number }): Promise<number>;
  /** Copy every object to quarantine, verify each copy, only then delete the source. */
  quarantinePartition(input: PartitionRef & { reason: string }): Promise<{ moved: number; location: string }>;
}

export interface StorageActivities {
  /** Whether the lake's storage answers (one HeadBucket on the bucket); a failed check is an answer, not an error. */
  checkLakeStorage(input: { bucket: BucketRole; timeoutMs?: number }): Promise<ConnectivityResult>;
}

// ---------- parquet ----------
export interface ColumnStats {
  nulls: number;
  min?: string | number | null;
  max?: string | number | null;
}
export interface PartitionInspection {
  rows: number;
  files: number;
  schema: { name: string; type: string }[];
  columns: Record<string, ColumnStats>;
}
export interface ParquetActivities {
  inspectPartition(input: PartitionRef): Promise<PartitionInspection>;
}

// ---------- quality ----------
export interface QualityCheck {
  name: string;
  passed: boolean;
  detail: string;
  /** ok, warning (passed but worth an alert, e.g. volume change > 20 %) or critical (failed). */
  level?: Level;
}
export interface QualityReport {
  system: SystemName;
  date: string;
  score: number; // 0..100
  passed: boolean;
  checks: QualityCheck[];
}
export interface QualityActivities {
  /** The seed's gates on a landed partition set, given the source's row counts per stream. */
  runQualityGates(input: {
    bucket: BucketRole;
    system: SystemName;
    date: string;
    sourceRowCounts: Record<string, number>;
  }): Promise<QualityReport>;
}

// ---------- reconcile ----------
export interface ReconcileResult {
  stream: string;
  gapsFound: number;
  recordsReconciled: number;
  duplicatesRemoved: number;
  score: number;
  location: string;
}
export interface ReconcileActivities {
  /**
   * Compare bronze and backup partitions of a date; land the reconciled rows in the bronze origin=airbyte
   * partition (its earlier objects kept in quarantine first) with a manifest naming the sources and `recovery`.
   */
  reconcilePartition(input: { system: SystemName; stream: string; date: string; recovery?: string }): Promise<ReconcileResult>;
}

// ---------- airbyte ----------
export type AirbyteJobStatus = 'pending' | 'queued' | 'running' | 'incomplete' | 'failed' | 'succeeded' | 'cancelled';
export type AirbyteConnectionStatus = 'active' | 'inactive' | 'deprecated' | 'locked';
export interface AirbyteJobResult {
  jobId: number;
  status: AirbyteJobStatus;
  /** The job's totals (its aggregatedStats: records and bytes committed). */
  rowsSynced: number;
  bytesSynced: number;
  /** Attempts the job took (Airbyte retries a failed attempt within the same job). */
  attempts?: number;
}
export interface AirbyteActivities {
  triggerAirbyteSync(input: { connectionName: string }): Promise<{ jobId: number }>;
  /** Polls with heartbeats until the job ends or timeoutMs passes (then cancels it and fails). */
  waitForAirbyteJob(input: { jobId: number; pollIntervalMs: number; timeoutMs: number }): Promise<AirbyteJobResult>;
  cancelAirbyteJob(input: { jobId: number }): Promise<void>;
  setConnectionStatus(input: { connectionName: string; status: 'active' | 'inactive' }): Promise<void>;
  getConnectionStatus(input: { connectionName: string }): Promise<AirbyteConnectionStatus>;
  checkAirbyteHealth(): Promise<{ available: boolean }>;
}

// ---------- alerts ----------
export type Severity = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export interface Alert {
  severity: Severity;
  system: SystemName;
  title: string;
  actionRequired: string;
  metrics?: Record<string, string | number | boolean>;
  /** Workflow id and run id; the alert links to them in the Temporal UI. */
  workflowId?: string;
  runId?: string;
  /** PagerDuty dedup key for CRITICAL alerts. */
  dedupKey?: string;
}
export interface AlertDelivery {
  slackChannel: string;
  pagerDuty: boolean;
}
export interface AlertActivities {
  sendAlert(alert: Alert): Promise<AlertDelivery>;
}

export type Activities = MysqlActivities &
  ExtractActivities &
  S3Activities &
  StorageActivities &
  ParquetActivities &
  QualityActivities &
  ReconcileActivities &
  AirbyteActivities &
  AlertActivities;
