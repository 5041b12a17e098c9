/**
 * The rows of one streaming SELECT, as batches the engine hands to a Parquet
 * writer, with backpressure: the MySQL connection is paused while batches
 * wait, so memory holds a few batches, never the table.
 *
 * - `csvChunks`: CSV bytes made from the row packets (extract-row-packets.ts),
 *   for writers that read CSV (DuckDB);
 * - `rowBatches`: rows parsed by mysql2 into values, for the others.
 *
 * A lost connection is reported by mysql2 on the connection, not on the
 * query: both listen there too. An abort signal ends either with its reason.
 */
import * as mysql from 'mysql2';
import type { PoolConnection as CorePoolConnection, Query } from 'mysql2';
import type { ExtractColumn } from './extract-columns';
import { RowPacketCsvEncoder, installRowPacketEncoder, type CsvChunk, type RowPacketField } from './extract-row-packets';

/** Batches queued between a push source and an async consumer. */
class BatchQueue<T> {
  private readonly ready: T[] = [];
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  /** Run once the consumer is done (listeners to remove). */
  readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly highWater: number,
  ) {}

  push(batch: T): void {
    this.ready.push(batch);
    if (this.ready.length >= this.highWater && !this.ended) this.pause();
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(err: unknown): void {
    this.failure ??= err;
    this.wake?.();
  }

  async *drain(): AsyncGenerator<T> {
    try {
      yield* this.batches();
    } finally {
      for (const cleanup of this.cleanups) cleanup();
    }
  }

  private async *batches(): AsyncGenerator<T> {
    for (;;) {
      if (this.failure) throw this.failure;
      const next = this.ready.shift();
      if (next !== undefined) {
        if (this.ready.length === 0 && !this.ended) this.resume();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

function failOnAbortAndLoss(queue: BatchQueue<unknown>, core: CorePoolConnection, signal?: AbortSignal): void {
  const onLost = (err: Error) => queue.fail(err);
  const onAbort = () => queue.fail(signal?.reason ?? new Error('sync cancelled'));
  core.once('error', onLost);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  queue.cleanups.push(() => {
    core.off('error', onLost);
    signal?.removeEventListener('abort', onAbort);
  });
}

export interface CsvChunkOptions {
  chunkRows: number;
  chunkBytes: number;
  signal?: AbortSignal;
}

/**
 * CSV chunks of `sql`'s rows (the columns, in order), or undefined when this
 * mysql2 build cannot hand over row packets or the connection's character
 * set is not UTF-8 (nothing has been sent then).
 */
export function csvChunks(core: CorePoolConnection, sql: string, columns: ExtractColumn[], options: CsvChunkOptions): AsyncGenerator<CsvChunk> | undefined {
  const config = (core as unknown as { config: { charsetNumber?: number } }).config;
  const driver = mysql as unknown as {
    createQuery(sql: string, values: undefined, cb: undefined, config: unknown): Query;
    CharsetToEncoding: Record<number, string>;
  };
  // the row packets carry text in the connection's character set: only UTF-8 goes to DuckDB as is
  if (driver.CharsetToEncoding[config.charsetNumber ?? -1] !== 'utf8') return undefined;
  // the query command is built, given the encoder, and only then sent
  const query = driver.createQuery(sql, undefined, undefined, config);
  let encoder: RowPacketCsvEncoder | undefined;
  if (!installRowPacketEncoder(query, () => encoder)) return undefined;
  const queue = new BatchQueue<CsvChunk>(() => core.pause(), () => core.resume(), 2);
  query.on('fields', (fields: RowPacketField[]) => {
    try {
      encoder = new RowPacketCsvEncoder(RowPacketCsvEncoder.kindsOf(columns, fields), options, (chunk) => queue.push(chunk));
    } catch (err) {
      queue.fail(err);
      core.destroy();
    }
  });
  query.on('error', (err: Error) => queue.fail(err));
  query.on('end', () => {
    queue.end(); // first: no pause for the last chunk
    encoder?.flush();
  });
  failOnAbortAndLoss(queue, core, options.signal);
  // a connection goes back to the pool running, never paused
  queue.cleanups.push(() => core.resume());
  core.query(query);
  return queue.drain();
}

/** Batches of `size` rows parsed by mysql2 (arrays in column order). */
export function rowBatches(core: CorePoolConnection, sql: string, size: number, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
  const stream = core.query({ sql, rowsAsArray: true }).stream({ highWaterMark: size });
  const queue = new BatchQueue<unknown[][]>(() => stream.pause(), () => stream.resume(), 1);
  let batch: unknown[][] = [];
  stream.on('data', (row: unknown[]) => {
    batch.push(row);
    if (batch.length >= size) {
      queue.push(batch);
      batch = [];
    }
  });
  stream.on('end', () => {
    queue.end();
    if (batch.length) queue.push(batch);
    batch = [];
  });
  stream.on('error', (err) => queue.fail(err));
  failOnAbortAndLoss(queue, core, signal);
  return queue.drain();
}
