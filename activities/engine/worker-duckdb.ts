/**
 * The DuckDB database and named pipes a worker's syncs share: opened on the
 * first sync, their directory removed when the process exits. One memory
 * limit for all the files being written at once (default 512MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBDatabase } from '../parquet/duckdb-session';
import { FifoPool } from '../parquet/fifo-pool';
import { writerDatabase } from '../parquet/parquet-writer-duckdb';

/** What syncs share to write with DuckDB. */
export interface SharedDuckDB {
  database: DuckDBDatabase;
  fifos: FifoPool;
}

export function workerDuckDB(options: { tempDir?: string; duckdbMemoryLimit?: string; duckdbThreads?: number } = {}): () => Promise<SharedDuckDB> {
  let shared: Promise<SharedDuckDB> | undefined;
  return () => {
    shared ??= (async () => {
      const dir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'worker-duckdb-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const database = await writerDatabase(path.join(dir, 'spill'), { memoryLimit: options.duckdbMemoryLimit ?? '512MB', threads: options.duckdbThreads });
      return { database, fifos: new FifoPool(dir) };
    })();
    return shared;
  };
}
