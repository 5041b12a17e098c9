/**
 * The direct sync engine: one MySQL table streamed to Parquet files in S3, in
 * the layout Airbyte's S3 destination writes, `_SUCCESS` last.
 *
 * - Rows stream from one SELECT. For the DuckDB writer the row packets become
 *   CSV bytes directly (extract-row-packets.ts); for the others mysql2 parses
 *   them into values. The connection is paused while the writer is behind,
 *   so memory holds a few batches, never the table (extract-row-source.ts).
 * - Files roll at a row or byte bound and are uploaded while the next file is
 *   being written; at most one upload waits behind the writer.
 * - A retry or rerun is idempotent and loses nothing complete early: the
 *   partition's marker goes first, earlier files stay until the new files of
 *   the same deterministic names replace them, files the attempt did not
 *   rewrite are deleted only after every new file is uploaded, and the
 *   marker is written last.
 * - Files hold the stream's declared lake schema (config/lake-schema.ts, the
 *   pipeline's shape), each checked by the schema gate before its upload.
 * - An AbortSignal (the activity's cancellation) stops the query, the writer
 *   and the uploads; no marker is written.
 *
 * Usable outside Temporal: progress goes to `onProgress`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PoolConnection as CorePoolConnection } from 'mysql2';
import type { PoolConnection } from 'mysql2/promise';
import { BUCKETS, FIRST_FILE_INDEX, partitionFileName, partitionPrefix, type BucketRole } from '../../config/pipelines';
import { streamSpecFor, validateInput } from './extract-input';
import type { MysqlSources } from '../mysql/mysql-sources';
import type { TableSyncInput, TableSyncResult } from '../types';
import { discoverColumns, resolveColumns } from './extract-columns';
import { mysqlFailure, parquetWriteFailure } from './extract-failures';
import { sliceCsvChunk, type CsvChunk } from './extract-row-packets';
import { csvChunks, rowBatches } from './extract-row-source';
import { checkpointToResume, integerPrimaryKey, lastRowField, rangeSelect, readBound, type SyncCheckpoint } from './extract-ranges';
import { removeObjectsNotWritten, withdrawSuccessMarker, uploadFile, writeSuccessMarker } from '../s3/partition-writes';
import { newAbIdPrefix, type ParquetFileWriter, type ParquetWriterFactory, type ParquetWriterName } from '../parquet/parquet-writer';
import { createDuckDbWriterFactory } from '../parquet/parquet-writer-duckdb';
import { createParquetjsWriterFactory } from '../parquet/parquet-writer-parquetjs';
import { PIPELINE_LAKE_SHAPE, streamLakeSchema, type LakeShape } from '../../config/lake-schema';
import { assertWriterShape } from '../parquet/parquet-writer';
import { assertLakeSchema } from '../parquet/lake-schema-check';
import { openDuckDB, type DuckDBSession } from '../parquet/duckdb-session';

export interface SyncProgress {
  rows: number;
  files: number;
}

export interface TableSyncOptions {
  writer?: ParquetWriterName;
  /** The lake shape to write (default: the pipeline's, config/lake-schema.ts); a test or a migration names another. */
  shape?: LakeShape;
  /** Rows per Parquet file (default 1,000,000). */
  maxRowsPerFile?: number;
  /** Uncompressed source bytes per Parquet file (default 512 MiB, about 128 MB of Parquet). */
  maxSourceBytesPerFile?: number;
  /** Rows handed to the writer at a time, at most (default 16,384). */
  batchRows?: number;
  /** Bytes of CSV handed to a CSV-reading writer at a time, about (default 1 MiB). */
  chunkBytes?: number;
  /** Parent of the attempt's temp directory (default os.tmpdir()). */
  tempDir?: string;
  /** Multipart upload part size (default 8 MiB; S3's minimum is 5 MiB). */
  uploadPartSizeBytes?: number;
  /** DuckDB memory limit (default 256MB). */
  duckdbMemoryLimit?: string;
  /** DuckDB threads (default 1). */
  duckdbThreads?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** Called after each range's file is uploaded, with what a retried attempt needs to continue. */
  onCheckpoint?: (checkpoint: SyncCheckpoint) => void;
  /** An earlier attempt's last checkpoint (its heartbeat details): the sync continues from it when it matches. */
  resumeFrom?: unknown;
  signal?: AbortSignal;
}

export interface SyncDeps {
  sources: MysqlSources;
  s3: S3Client;
  buckets?: Record<BucketRole, string>;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('sync cancelled');
}

export async function syncTable(deps: SyncDeps, input: TableSyncInput, options: TableSyncOptions = {}): Promise<TableSyncResult> {
  const started = Date.now();
  const buckets = deps.buckets ?? { ...BUCKETS };
  validateInput(input, buckets);
  const { system, stream, date, signal } = { ...input, signal: options.signal };
  const bucket = buckets[input.bucket];
  const prefix = partitionPrefix(system, stream, date);
  const source = deps.sources.label(input);
  const redact = (text: string) => deps.sources.redact(input, text);
  const maxRows = options.maxRowsPerFile ?? 1_000_000;
  const maxBytes = options.maxSourceBytesPerFile ?? 512 * 1024 * 1024;
  const firstIndex = FIRST_FILE_INDEX[system];

  const shape = options.shape ?? PIPELINE_LAKE_SHAPE[system];
  assertWriterShape(options.writer ?? 'duckdb', shape, `syncTableToS3 ${system}/${stream}`);

  const pool = deps.sources.pool(input);
  const { columns, key } = await discoverColumns(pool, stream)
    .then(async (found) => {
      const resolved = resolveColumns(streamSpecFor(system, stream), found, shape);
      return { columns: resolved, key: await integerPrimaryKey(pool, stream, resolved) };
    })
    .catch((err) => {
      throw mysqlFailure(err, source, stream, redact);
    });
  // the declared lake schema every file must hold; for a declared stream the source's columns were checked against it
  const lake = streamLakeSchema(system, stream, columns, shape)!;
  throwIfAborted(signal);
  const resumed = key ? checkpointToResume(options.resumeFrom, input, key) : undefined;
  const bound = key ? (resumed?.bound ?? (await readBound(pool, stream, key).catch((err) => {
    throw mysqlFailure(err, source, stream, redact);
  }))) : undefined;
  await withdrawSuccessMarker(deps.s3, bucket, prefix);

  const workDir = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'direct-sync-'));
  const factory: ParquetWriterFactory =
    options.writer === 'parquetjs'
      ? createParquetjsWriterFactory()
      : await createDuckDbWriterFactory({ workDir, memoryLimit: options.duckdbMemoryLimit, threads: options.duckdbThreads });
  const uploadAbort = new AbortController();
  let connection: PoolConnection | undefined;
  // Cancellation stops the uploads and drops the MySQL connection mid-stream (never a connection already back in the pool).
  const onAbort = () => {
    uploadAbort.abort();
    (connection as unknown as { connection?: CorePoolConnection } | undefined)?.connection?.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let writer: ParquetFileWriter | undefined;
  let gate: DuckDBSession | undefined;
  let pendingUpload: Promise<void> | undefined;
  // A resumed attempt keeps the files its checkpoint counts and continues after its last key.
  let rows = resumed?.rows ?? 0;
  let files = resumed?.files ?? 0;
  let lastKey = resumed?.lastKey ?? null;
  const written = new Set(Array.from({ length: files }, (_, i) => prefix + partitionFileName(system, stream, firstIndex + i)));
  const abIdPrefix = resumed?.abIdPrefix ?? newAbIdPrefix();
  const emittedAtMs = resumed?.emittedAtMs ?? Date.now();
  let bytes = resumed?.bytes ?? 0;
  let rowsThisAttempt = 0;
  options.onProgress?.({ rows, files }); // alive before the first row: discovery and the bound can take a while

  const openWriter = () =>
    factory.open({
      path: path.join(workDir, `file-${firstIndex + files}.parquet`),
      columns,
      lake,
      abIdPrefix,
      firstRowNumber: rows + 1,
      emittedAtMs,
    });
  const closeAndUpload = async (current: ParquetFileWriter) => {
    const done = await current.finish().catch((err) => {
      throw parquetWriteFailure(err, stream);
    });
    const key = prefix + partitionFileName(system, stream, firstIndex + files);
    // the schema gate before the file leaves: it must hold exactly the declared schema
    gate ??= await openDuckDB(workDir, { memoryLimit: '64MB', threads: 1 });
    await assertLakeSchema(gate, done.path, `s3://${bucket}/${key}`, lake);
    await pendingUpload; // one upload in flight behind the writer at most
    files++;
    bytes += done.bytes;
    written.add(key);
    pendingUpload = uploadFile(deps.s3, bucket, key, done.path, uploadAbort.signal, options.uploadPartSizeBytes).finally(() =>
      fs.rm(done.path, { force: true }),
    );
    pendingUpload.catch(() => undefined); // observed when awaited
  };

  /** Streams one SELECT into the open writer, rolling files at the bounds; returns its rows and the key of its last row. */
  const readInto = async (core: CorePoolConnection, sql: string): Promise<{ count: number; last?: string }> => {
    const batchRows = options.batchRows ?? 16_384;
    const chunks = writer!.writeCsv
      ? csvChunks(core, sql, columns, { chunkRows: batchRows, chunkBytes: options.chunkBytes ?? 1024 * 1024, signal })
      : undefined;
    const batches: AsyncGenerator<CsvChunk | unknown[][]> = chunks ?? rowBatches(core, sql, batchRows, signal);
    const keyIndex = key ? columns.findIndex((c) => c.name === key) : -1;
    let count = 0;
    let last: string | undefined;
    try {
      for await (const batch of batches) {
        throwIfAborted(signal);
        const n = Array.isArray(batch) ? batch.length : batch.rows;
        if (n > 0 && keyIndex >= 0) last = Array.isArray(batch) ? String(batch[n - 1][keyIndex]) : lastRowField(batch, keyIndex);
        for (let offset = 0; offset < n; ) {
          if (writer!.rows >= maxRows || writer!.approxBytes >= maxBytes) {
            await closeAndUpload(writer!);
            writer = await openWriter();
          }
          const take = Math.min(n - offset, maxRows - writer!.rows);
          const current = writer!;
          const accepted = Array.isArray(batch)
            ? current.write(offset === 0 && take === n ? batch : batch.slice(offset, offset + take))
            : (() => {
                const part = sliceCsvChunk(batch, offset, offset + take);
                return current.writeCsv!(part.csv, part.rows);
              })();
          await accepted.catch((err) => {
            throw parquetWriteFailure(err, stream);
          });
          offset += take;
          rows += take;
          count += take;
          rowsThisAttempt += take;
        }
        options.onProgress?.({ rows, files });
      }
    } catch (err) {
      throwIfAborted(signal);
      throw mysqlFailure(err, source, stream, redact);
    }
    return { count, last };
  };

  try {
    connection = await pool.getConnection().catch((err) => {
      throw mysqlFailure(err, source, stream, redact);
    });
    // the callback-API connection underneath: its query() has the row stream
    const core = (connection as unknown as { connection: CorePoolConnection }).connection;
    const select = `SELECT ${columns.map((c) => `\`${c.name}\``).join(', ')} FROM \`${stream}\``;
    if (!bound) {
      // no single-column integer key: the whole table in one read, not resumable
      writer = await openWriter();
      await readInto(core, select);
    } else {
      for (;;) {
        writer = await openWriter();
        const range = await readInto(core, rangeSelect(select, bound, lastKey, maxRows));
        if (range.count === 0) break;
        const current = writer;
        writer = undefined;
        await closeAndUpload(current);
        lastKey = range.last ?? lastKey;
        const checkpoint: SyncCheckpoint = { stream, date, role: input.role, bound, lastKey, files, rows, bytes, abIdPrefix, emittedAtMs };
        pendingUpload!.then(() => options.onCheckpoint?.(checkpoint), () => undefined);
        if (range.count < maxRows) break;
      }
    }
    throwIfAborted(signal);
    if (writer && (writer.rows > 0 || files === 0)) {
      // the last file, or the one empty file of an empty table
      const last = writer;
      writer = undefined;
      await closeAndUpload(last);
    } else if (writer) {
      const empty = writer;
      writer = undefined;
      await empty.abort();
    }
    await pendingUpload;
    throwIfAborted(signal);
    await removeObjectsNotWritten(deps.s3, bucket, prefix, written);
    await writeSuccessMarker(deps.s3, bucket, prefix);
    options.onProgress?.({ rows, files });
    return {
      stream,
      rows,
      files,
      bytes,
      durationMs: Date.now() - started,
      location: `s3://${bucket}/${prefix}`,
      ...(bound ? { bound } : {}),
      ...(resumed ? { resumedFrom: { files: resumed.files, rows: resumed.rows } } : {}),
      rowsReadThisAttempt: rowsThisAttempt,
    };
  } catch (err) {
    uploadAbort.abort();
    await writer?.abort().catch(() => undefined);
    await pendingUpload?.catch(() => undefined);
    (connection as unknown as { connection?: CorePoolConnection } | undefined)?.connection?.destroy();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (connection) {
      try {
        connection.release();
      } catch {
        // a destroyed connection is already out of the pool
      }
    }
    await factory.close().catch(() => undefined);
    gate?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
