/**
 * The DuckDB database a worker's syncs share: opened on the first sync, its
 * spill directory removed when the process exits. One memory limit for all
 * the files being written at once (default 512MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBDatabase } from '../parquet/duckdb-session';
import { writerDatabase } from '../parquet/parquet-writer-duckdb';

export function workerDuckDB(options: { tempDir?: string; duckdbMemoryLimit?: string; duckdbThreads?: number } = {}): () => Promise<DuckDBDatabase> {
  let database: Promise<DuckDBDatabase> | undefined;
  return () => {
    database ??= (() => {
      const spillDir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'worker-duckdb-'));
      process.once('exit', () => rmSync(spillDir, { recursive: true, force: true }));
      return writerDatabase(spillDir, { memoryLimit: options.duckdbMemoryLimit ?? '512MB', threads: options.duckdbThreads });
    })();
    return database;
  };
}
