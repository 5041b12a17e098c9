/**
 * The DuckDB database and named pipes a worker's syncs share: opened on the
 * first sync, closed (their directory removed) by closeWorkerDuckDBs() when
 * the worker stops, or at the latest when the process exits. One memory
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

/** Every shared database opened in this process, with how to close it. */
const opened = new Set<() => Promise<void>>();

export function workerDuckDB(options: { tempDir?: string; duckdbMemoryLimit?: string; duckdbThreads?: number } = {}): () => Promise<SharedDuckDB> {
  let shared: Promise<SharedDuckDB> | undefined;
  return () => {
    shared ??= (async () => {
      const dir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'worker-duckdb-'));
      const removeDir = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', removeDir);
      const database = await writerDatabase(path.join(dir, 'spill'), { memoryLimit: options.duckdbMemoryLimit ?? '512MB', threads: options.duckdbThreads });
      const fifos = new FifoPool(dir);
      const close = async () => {
        opened.delete(close);
        shared = undefined;
        database.close();
        await fifos.close();
        removeDir();
        process.off('exit', removeDir);
      };
      opened.add(close);
      return { database, fifos };
    })();
    return shared;
  };
}

/** Closes the shared databases (call once the worker has stopped running syncs); a later sync opens a new one. */
export async function closeWorkerDuckDBs(): Promise<void> {
  for (const close of [...opened]) await close();
}
