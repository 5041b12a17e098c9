/**
 * One slice of a table read into Parquet files in S3 on its own MySQL
 * connection: keyset ranges in key order, one file per range (a range rolls
 * into further files only at the byte bound), each file checked by the
 * schema gate and uploaded while the next range is read, at most one upload
 * behind the writer. After each range's upload the slice's progress moves
 * on (`onRange`), which the engine turns into the checkpoint a retried
 * attempt continues from. A slice without a key (a table read whole) is one
 * SELECT of the whole table.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PoolConnection as CorePoolConnection } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { LakeColumn } from '../../config/lake-schema';
import type { ExtractColumn } from './extract-columns';
import { mysqlFailure, parquetWriteFailure } from './extract-failures';
import { sliceCsvChunk, type CsvChunk } from './extract-row-packets';
import { csvChunks, rowBatches } from './extract-row-source';
import { lastRowField, rangeSelect, type SliceProgress } from './extract-ranges';
import { uploadFile } from '../s3/partition-writes';
import type { ParquetFileWriter, ParquetWriterFactory } from '../parquet/parquet-writer';

/** What every slice of one sync shares. */
export interface SliceContext {
  stream: string;
  columns: ExtractColumn[];
  lake: readonly LakeColumn[];
  /** The key ranges are read by; undefined: the table is read whole. */
  key?: string;
  pool: Pool;
  s3: S3Client;
  bucket: string;
  prefix: string;
  factory: ParquetWriterFactory;
  /** The schema gate: the local file must hold exactly the declared schema (location names it in the error). */
  checkFile: (localPath: string, location: string) => Promise<void>;
  workDir: string;
  /** The object name of the slice's n-th file (0-based). */
  fileName: (slice: number, n: number) => string;
  /** `_airbyte_ab_id` sequence number of the slice's first row. */
  firstRowNumber: (slice: number) => number;
  abIdPrefix: string;
  emittedAtMs: number;
  maxRows: number;
  maxBytes: number;
  batchRows: number;
  chunkBytes: number;
  uploadPartSizeBytes?: number;
  source: string;
  redact: (text: string) => string;
  /** Stops the queries, the writer and the uploads. */
  signal?: AbortSignal;
  /** Rows read, as they are handed to the writer (for progress). */
  onRows: (n: number) => void;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('sync cancelled');
}

/**
 * Reads `state`'s slice from its last key to its end, updating `state` after
 * each uploaded range and calling `onRange`; resolves when the slice is done.
 */
export async function readSlice(ctx: SliceContext, state: SliceProgress, onRange: () => void): Promise<void> {
  const { stream, columns, signal } = ctx;
  const select = `SELECT ${columns.map((c) => `\`${c.name}\``).join(', ')} FROM \`${stream}\``;
  const keyIndex = ctx.key ? columns.findIndex((c) => c.name === ctx.key) : -1;
  let writer: ParquetFileWriter | undefined;
  let pendingUpload: Promise<void> | undefined;
  let files = state.files;
  let bytes = state.bytes;
  let rows = state.rows;
  let lastKey = state.lastKey;
  let connection: PoolConnection | undefined;
  const dropConnection = () => (connection as unknown as { connection?: CorePoolConnection } | undefined)?.connection?.destroy();
  signal?.addEventListener('abort', dropConnection, { once: true });

  const openWriter = () =>
    ctx.factory.open({
      path: path.join(ctx.workDir, `slice-${state.index}-file-${files}.parquet`),
      columns,
      lake: ctx.lake,
      abIdPrefix: ctx.abIdPrefix,
      firstRowNumber: ctx.firstRowNumber(state.index) + rows,
      emittedAtMs: ctx.emittedAtMs,
    });
  const closeAndUpload = async (current: ParquetFileWriter) => {
    const done = await current.finish().catch((err) => {
      throw parquetWriteFailure(err, stream);
    });
    const name = ctx.prefix + ctx.fileName(state.index, files);
    // the schema gate before the file leaves: it must hold exactly the declared schema
    await ctx.checkFile(done.path, `s3://${ctx.bucket}/${name}`);
    await pendingUpload; // one upload in flight behind the writer at most
    files++;
    bytes += done.bytes;
    pendingUpload = uploadFile(ctx.s3, ctx.bucket, name, done.path, ctx.signal, ctx.uploadPartSizeBytes).finally(() =>
      fs.rm(done.path, { force: true }),
    );
    pendingUpload.catch(() => undefined); // observed when awaited
  };

  /** Streams one SELECT into the open writer, rolling files at the bounds; returns its rows and the key of its last row. */
  const readInto = async (core: CorePoolConnection, sql: string): Promise<{ count: number; last?: string }> => {
    const chunks = writer!.writeCsv ? csvChunks(core, sql, columns, { chunkRows: ctx.batchRows, chunkBytes: ctx.chunkBytes, signal }) : undefined;
    const batches: AsyncGenerator<CsvChunk | unknown[][]> = chunks ?? rowBatches(core, sql, ctx.batchRows, signal);
    let count = 0;
    let last: string | undefined;
    try {
      for await (const batch of batches) {
        throwIfAborted(signal);
        const n = Array.isArray(batch) ? batch.length : batch.rows;
        if (n > 0 && keyIndex >= 0) last = Array.isArray(batch) ? String(batch[n - 1][keyIndex]) : lastRowField(batch, keyIndex);
        for (let offset = 0; offset < n; ) {
          if (writer!.rows >= ctx.maxRows || writer!.approxBytes >= ctx.maxBytes) {
            await closeAndUpload(writer!);
            writer = await openWriter();
          }
          const take = Math.min(n - offset, ctx.maxRows - writer!.rows);
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
          ctx.onRows(take);
        }
      }
    } catch (err) {
      throwIfAborted(signal);
      throw mysqlFailure(err, ctx.source, stream, ctx.redact);
    }
    return { count, last };
  };

  try {
    connection = await ctx.pool.getConnection().catch((err) => {
      throw mysqlFailure(err, ctx.source, stream, ctx.redact);
    });
    // the callback-API connection underneath: its query() has the row stream
    const core = (connection as unknown as { connection: CorePoolConnection }).connection;
    if (!ctx.key) {
      // no single-column integer key: the whole table in one read, not resumable
      writer = await openWriter();
      await readInto(core, select);
    } else {
      for (;;) {
        writer = await openWriter();
        const range = await readInto(core, rangeSelect(select, ctx.key, state, lastKey, ctx.maxRows));
        if (range.count === 0) break;
        const current = writer;
        writer = undefined;
        await closeAndUpload(current);
        lastKey = range.last ?? lastKey;
        const reached = { lastKey, files, rows, bytes, done: range.count < ctx.maxRows };
        // the slice moves on once the range's file is in S3, while the next range is read
        pendingUpload!.then(() => {
          Object.assign(state, reached);
          onRange();
        }, () => undefined);
        if (reached.done) break;
      }
    }
    throwIfAborted(signal);
    if (writer && (writer.rows > 0 || (files === 0 && state.index === 0))) {
      // the last file (a table read whole), or the one empty file of an empty table (slice 0 writes it)
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
    Object.assign(state, { lastKey, files, rows, bytes, done: true });
  } catch (err) {
    await writer?.abort().catch(() => undefined);
    await pendingUpload?.catch(() => undefined);
    dropConnection();
    throw err;
  } finally {
    signal?.removeEventListener('abort', dropConnection);
    if (connection) {
      try {
        connection.release();
      } catch {
        // a destroyed connection is already out of the pool
      }
    }
  }
}
