/**
 * One direct sync of the fiscal table in a process of its own, as a worker
 * runs it: the bench's speed and peak RSS of "ours" are this process's, not
 * the bench's (which loaded the table and runs the local S3 server and the
 * peer). The job comes in a JSON file (0600: it names the sample passwords'
 * variables and their local values); one JSON line goes out:
 * `{ ms, rows, files, bytes, slices, peakRssMB }`, peak RSS being the
 * kernel's high-water mark of this process (getrusage maxrss).
 *
 *   npx tsx bench/sync-process.ts <job.json>
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { ACODE_FISCAL_TABLE } from '../config/pipelines';
import type { SourceEndpoints } from '../config/sources';
import { createMysqlSources } from '../activities/mysql/mysql-sources';
import { syncTable } from '../activities/engine/extract-engine';
import { createLocalS3Client } from '../engines/s3-server';

export interface SyncProcessJob {
  endpoints: SourceEndpoints;
  /** The source passwords' environment variables. */
  env: Record<string, string>;
  s3Endpoint: string;
  date: string;
  rangeConnections?: number;
  duckdbMemoryLimit?: string;
  tempDir?: string;
}

export interface SyncProcessResult {
  ms: number;
  rows: number;
  files: number;
  bytes: number;
  slices: number;
  peakRssMB: number;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('sync-process: the job file is required');
  const job = JSON.parse(await fs.readFile(file, 'utf8')) as SyncProcessJob;
  Object.assign(process.env, job.env);
  const sources = createMysqlSources(job.endpoints);
  const s3 = createLocalS3Client(job.s3Endpoint);
  try {
    const started = Date.now();
    const result = await syncTable(
      { sources, s3 },
      { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, date: job.date, bucket: 'bronze' },
      { tempDir: job.tempDir ?? os.tmpdir(), duckdbMemoryLimit: job.duckdbMemoryLimit, rangeConnections: job.rangeConnections },
    );
    const out: SyncProcessResult = {
      ms: Date.now() - started,
      rows: result.rows,
      files: result.files,
      bytes: result.bytes,
      slices: result.slices ?? 1,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(out));
  } finally {
    await sources.close();
    s3.destroy();
  }
}

main().catch((err) => {
  console.error(`sync-process failed: ${(err as Error).message}`);
  process.exit(1);
});
