/**
 * The direct sync engine: one MySQL table streamed to Parquet files in S3, in
 * the layout Airbyte's S3 destination writes, `_SUCCESS` last.
 *
 * - A table with a single-column integer key is read against one consistent
 *   bound, cut into key slices read at once by several connections
 *   (`rangeConnections`), each slice in keyset ranges of one file
 *   (extract-slice.ts, extract-ranges.ts); a table without one is read whole.
 *   A table too big for one worker is planned into slices that separate
 *   activities read (input `slice`, extract-plan.ts).
 * - Rows stream from the SELECTs: for the DuckDB writer the row packets
 *   become CSV bytes directly (extract-row-packets.ts); the connection is
 *   paused while the writer is behind, so memory holds a few batches per
 *   slice, never the table.
 * - A retry or rerun is idempotent and loses nothing complete early: the
 *   partition's marker goes first, earlier files stay until the new files of
 *   the same deterministic names replace them, files no slice rewrote are
 *   deleted only after every new file is uploaded, and the marker is written
 *   last. A retried attempt continues each slice after its checkpoint.
 * - Files hold the stream's declared lake schema (config/lake-schema.ts, the
 *   pipeline's shape), each checked by the schema gate before its upload.
 * - An AbortSignal (the activity's cancellation) stops the queries, the
 *   writers and the uploads; no marker is written.
 *
 * Usable outside Temporal: progress goes to `onProgress`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUCKETS, FIRST_FILE_INDEX, partitionFileName, partitionPrefix, type BucketRole } from '../../config/pipelines';
import { streamSpecFor, validateInput } from './extract-input';
import type { MysqlSources } from '../mysql/mysql-sources';
import type { TableSyncInput, TableSyncResult } from '../types';
import { discoverColumns, resolveColumns } from './extract-columns';
import { mysqlFailure } from './extract-failures';
import { checkpointToResume, integerPrimaryKey, planSlices, readBound, sliceCount, sliceSpan, type KeySlice, type SliceProgress, type SyncCheckpoint } from './extract-ranges';
import { readSlice, throwIfAborted, type SliceContext } from './extract-slice';
import { removeObjectsNotWritten, withdrawSuccessMarker, writeSuccessMarker } from '../s3/partition-writes';
import { newAbIdPrefix, type ParquetWriterFactory, type ParquetWriterName } from '../parquet/parquet-writer';
import { createDuckDbWriterFactory } from '../parquet/parquet-writer-duckdb';
import { createParquetjsWriterFactory } from '../parquet/parquet-writer-parquetjs';
import { PIPELINE_LAKE_SHAPE, streamLakeSchema, type LakeShape } from '../../config/lake-schema';
import { assertWriterShape } from '../parquet/parquet-writer';
import { assertLakeSchema } from '../parquet/lake-schema-check';
import { openDuckDB, type DuckDBSession } from '../parquet/duckdb-session';
import type { SharedDuckDB } from './worker-duckdb';

export interface SyncProgress {
  rows: number;
  files: number;
  /** The most rows the bound can hold (its key span): the total a progress bar shows; absent for a table read whole. */
  total?: number;
}

export interface TableSyncOptions {
  writer?: ParquetWriterName;
  /** The lake shape to write (default: the pipeline's, config/lake-schema.ts); a test or a migration names another. */
  shape?: LakeShape;
  /** Rows per Parquet file, one range each (default: a 20th of the bound, at least 100,000 and at most 1,000,000: DEFAULT_ROWS_PER_FILE). */
  maxRowsPerFile?: number;
  /** Uncompressed source bytes per Parquet file (default 512 MiB, about 128 MB of Parquet). */
  maxSourceBytesPerFile?: number;
  /** Rows handed to the writer at a time, at most (default 16,384). */
  batchRows?: number;
  /** Bytes of CSV handed to a CSV-reading writer at a time, about (default 1 MiB). */
  chunkBytes?: number;
  /** Connections reading key slices of one table at once (default: one per two cores, DEFAULT_RANGE_CONNECTIONS). */
  rangeConnections?: number;
  /** A table is cut into slices of at least this many keys (default 250,000): a small table is read on one connection. */
  minRowsPerSlice?: number;
  /** Parent of the attempt's temp directory (default os.tmpdir()). */
  tempDir?: string;
  /** Multipart upload part size (default 8 MiB; S3's minimum is 5 MiB). */
  uploadPartSizeBytes?: number;
  /** DuckDB memory limit (default 256MB), for a database of the sync's own. */
  duckdbMemoryLimit?: string;
  /** DuckDB threads (default 1), for a database of the sync's own. */
  duckdbThreads?: number;
  /** A DuckDB database and named pipes shared by syncs (the worker's, worker-duckdb.ts), instead of the sync's own. */
  duckdb?: SharedDuckDB;
  onProgress?: (progress: SyncProgress) => void;
  /** Called after each range's file is uploaded, with what a retried attempt needs to continue. */
  onCheckpoint?: (checkpoint: SyncCheckpoint) => void;
  /** An earlier attempt's last checkpoint (its heartbeat details): the sync continues from it when it matches. */
  resumeFrom?: unknown;
  signal?: AbortSignal;
}

/** Each slice needs about two cores busy (the database sending, DuckDB encoding): one connection per two cores. */
export const DEFAULT_RANGE_CONNECTIONS = Math.max(1, Math.floor(os.availableParallelism() / 2));
/**
 * Files of 1M rows (about 50 MB of Parquet) at most, and smaller for a table
 * of fewer than 20M keys, down to 100k rows: a range is checkpointed when
 * its file is uploaded, so a crash re-reads about a 20th of the table at
 * most, plus the range being read.
 */
export function defaultRowsPerFile(keySpan: number | undefined): number {
  if (keySpan === undefined) return 1_000_000;
  return Math.min(1_000_000, Math.max(100_000, Math.ceil(keySpan / 20)));
}

/** Row numbers (`_airbyte_ab_id` suffixes) each slice has: 2^40, so 256 slices fill the 12 hex digits. */
const SLICE_ROW_NUMBERS = 2 ** 40;
export const MAX_SLICES = 256;

export interface SyncDeps {
  sources: MysqlSources;
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
}

/** The object names a sync's slices wrote: one numbering for a table read in one slice, one per slice otherwise. */
export function sliceFileNames(input: Pick<TableSyncInput, 'system' | 'stream'>, slices: { index: number; files: number }[], sliced: boolean): string[] {
  const first = FIRST_FILE_INDEX[input.system];
  return slices.flatMap((s) =>
    Array.from({ length: s.files }, (_, n) => partitionFileName(input.system, input.stream, first + n, sliced ? s.index : undefined)),
  );
}

const fresh = (slice: KeySlice): SliceProgress => ({ ...slice, lastKey: null, files: 0, rows: 0, bytes: 0, done: false });

export async function syncTable(deps: SyncDeps, input: TableSyncInput, options: TableSyncOptions = {}): Promise<TableSyncResult> {
  const started = Date.now();
  const buckets = deps.buckets ?? { ...BUCKETS };
  validateInput(input, buckets);
  const { system, stream, date } = input;
  const bucket = buckets[input.bucket];
  const prefix = partitionPrefix(system, stream, date);
  const source = deps.sources.label(input);
  const redact = (text: string) => deps.sources.redact(input, text);
  const fromSource = <T>(work: Promise<T>) => work.catch((err) => Promise.reject(mysqlFailure(err, source, stream, redact)));

  const shape = options.shape ?? PIPELINE_LAKE_SHAPE[system];
  assertWriterShape(options.writer ?? 'duckdb', shape, `syncTableToS3 ${system}/${stream}`);

  const pool = deps.sources.pool(input);
  const { columns, key } = await fromSource(
    discoverColumns(pool, stream).then(async (found) => {
      const resolved = resolveColumns(streamSpecFor(system, stream), found, shape);
      return { columns: resolved, key: await integerPrimaryKey(pool, stream, resolved) };
    }),
  );
  if (input.slice && input.slice.bound.key !== key) throw mysqlFailure(new Error(`the plan's key ${input.slice.bound.key} is not the table's integer key`), source, stream, redact);
  // the declared lake schema every file must hold; for a declared stream the source's columns were checked against it
  const lake = streamLakeSchema(system, stream, columns, shape)!;
  throwIfAborted(options.signal);
  const resumed = key ? checkpointToResume(options.resumeFrom, input, key, input.slice ? [input.slice.slice] : undefined) : undefined;
  const bound = key ? (input.slice?.bound ?? resumed?.bound ?? (await fromSource(readBound(pool, stream, key)))) : undefined;
  const connections = Math.max(1, options.rangeConnections ?? DEFAULT_RANGE_CONNECTIONS);
  const planned: KeySlice[] = input.slice
    ? [input.slice.slice]
    : bound
      ? planSlices(bound, Math.min(MAX_SLICES, sliceCount(bound, options.minRowsPerSlice ?? 250_000, connections)))
      : [{ index: 0, after: null, upTo: null }];
  const states: SliceProgress[] = resumed ? resumed.slices.map((s) => ({ ...s })) : planned.map(fresh);
  const sliced = (input.slice?.count ?? states.length) > 1;
  if (!input.slice) await withdrawSuccessMarker(deps.s3, bucket, prefix);

  const workDir = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'direct-sync-'));
  const factory: ParquetWriterFactory =
    options.writer === 'parquetjs'
      ? createParquetjsWriterFactory()
      : await createDuckDbWriterFactory({ workDir, memoryLimit: options.duckdbMemoryLimit, threads: options.duckdbThreads, database: options.duckdb?.database, fifos: options.duckdb?.fifos });
  // one slice failing stops the others; cancellation stops them all
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let gate: Promise<DuckDBSession> | undefined;
  let gateQueue: Promise<unknown> = Promise.resolve();
  const abIdPrefix = resumed?.abIdPrefix ?? newAbIdPrefix();
  const emittedAtMs = resumed?.emittedAtMs ?? Date.now();
  const total = bound ? states.reduce((n, s) => n + sliceSpan(s, bound), 0) : undefined;
  const sum = (field: 'rows' | 'files' | 'bytes') => states.reduce((n, s) => n + s[field], 0);
  const resumedFrom = resumed ? { files: sum('files'), rows: sum('rows') } : undefined;
  let rowsRead = 0;
  const progress = () => options.onProgress?.({ rows: (resumedFrom?.rows ?? 0) + rowsRead, files: sum('files'), ...(total !== undefined ? { total } : {}) });
  progress(); // alive before the first row: discovery and the bound can take a while

  const first = FIRST_FILE_INDEX[system];
  const ctx: SliceContext = {
    stream,
    columns,
    lake,
    key,
    pool,
    s3: deps.s3,
    bucket,
    prefix,
    factory,
    // the schema gate's DuckDB connection, one check at a time for all slices
    checkFile: (localPath, location) => {
      const check = gateQueue.then(async () => {
        gate ??= options.duckdb ? options.duckdb.database.connect() : openDuckDB(workDir, { memoryLimit: '64MB', threads: 1 });
        await assertLakeSchema(await gate, localPath, location, lake);
      });
      gateQueue = check.catch(() => undefined);
      return check;
    },
    workDir,
    fileName: (slice, n) => partitionFileName(system, stream, first + n, sliced ? slice : undefined),
    firstRowNumber: (slice) => (sliced ? slice * SLICE_ROW_NUMBERS : 0) + 1,
    abIdPrefix,
    emittedAtMs,
    maxRows: options.maxRowsPerFile ?? defaultRowsPerFile(total),
    maxBytes: options.maxSourceBytesPerFile ?? 512 * 1024 * 1024,
    batchRows: options.batchRows ?? 16_384,
    chunkBytes: options.chunkBytes ?? 1024 * 1024,
    uploadPartSizeBytes: options.uploadPartSizeBytes,
    source,
    redact,
    signal,
    onRows: (n) => {
      rowsRead += n;
      progress();
    },
  };
  const checkpoint = () => {
    if (!bound) return;
    const cp: SyncCheckpoint = { stream, date, role: input.role, bound, slices: states.map((s) => ({ ...s })), files: sum('files'), rows: sum('rows'), bytes: sum('bytes'), abIdPrefix, emittedAtMs };
    options.onCheckpoint?.(cp);
  };

  try {
    const failures: unknown[] = [];
    await Promise.all(
      states.map((state) =>
        state.done
          ? undefined
          : readSlice(ctx, state, checkpoint).catch((err) => {
              failures.push(err);
              stop.abort(err);
            }),
      ),
    );
    // every slice has stopped (the temp files can go); the first failure is the answer
    throwIfAborted(options.signal);
    if (failures.length) throw failures[0];
    throwIfAborted(options.signal);
    if (!input.slice) {
      const written = new Set(sliceFileNames(input, states, sliced).map((name) => prefix + name));
      await removeObjectsNotWritten(deps.s3, bucket, prefix, written);
      await writeSuccessMarker(deps.s3, bucket, prefix);
    }
    progress();
    const [only] = states;
    return {
      stream,
      rows: sum('rows'),
      files: sum('files'),
      bytes: sum('bytes'),
      durationMs: Date.now() - started,
      location: `s3://${bucket}/${prefix}`,
      ...(bound ? { bound } : {}),
      ...(states.length > 1 ? { slices: states.length } : {}),
      ...(input.slice ? { slice: { index: only.index, after: only.after, upTo: only.upTo, files: only.files, rows: only.rows, bytes: only.bytes } } : {}),
      ...(resumedFrom ? { resumedFrom } : {}),
      rowsReadThisAttempt: rowsRead,
    };
  } finally {
    stop.abort(new Error('sync over'));
    await factory.close().catch(() => undefined);
    await gate?.then((g) => g.close(), () => undefined);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

