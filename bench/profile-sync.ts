/**
 * One direct sync of the fiscal table held by bench/hold-source.ts, to a
 * fresh local S3, printing time, rows/s and peak RSS; meant to run under
 * `node --cpu-prof` or `--heapsnapshot-signal`.
 *
 *   npx tsx bench/profile-sync.ts --source /tmp/source.json [--repeat 2] [--max-rows N] [--connections N] [--duckdb-threads N] [--duckdb-memory 256MB] [--part-mb 16]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACODE_FISCAL_TABLE } from '../config/pipelines';
import { createMysqlSources } from '../activities/mysql/mysql-sources';
import type { SourceEndpoints } from '../config/sources';
import { syncTable } from '../activities/engine/extract-engine';
import { startS3Server } from '../engines/s3-server';
import { measurePeakRss } from './peak-rss';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const sourceFile = arg('--source');
  if (!sourceFile) throw new Error('profile-sync: --source <file written by hold-source> is required');
  const held = JSON.parse(await fs.readFile(sourceFile, 'utf8')) as { endpoints: SourceEndpoints; env: Record<string, string>; rows: number };
  Object.assign(process.env, held.env);
  const repeat = Number(arg('--repeat') ?? 1);
  const maxRowsPerFile = arg('--max-rows') ? Number(arg('--max-rows')) : undefined;
  const duckdbMemoryLimit = arg('--duckdb-memory');
  const rangeConnections = arg('--connections') ? Number(arg('--connections')) : undefined;
  const duckdbThreads = arg('--duckdb-threads') ? Number(arg('--duckdb-threads')) : undefined;
  const uploadPartSizeBytes = arg('--part-mb') ? Number(arg('--part-mb')) * 2 ** 20 : undefined;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'profile-sync-'));
  const s3 = await startS3Server();
  const sources = createMysqlSources(held.endpoints);
  console.log(`RSS before the first sync: ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MB`);
  // peak of each part of the memory: JS heap, Buffers (external), and RSS (adds DuckDB's native memory)
  const peaks = { rss: 0, heapUsed: 0, external: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peaks.rss = Math.max(peaks.rss, m.rss);
    peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
    peaks.external = Math.max(peaks.external, m.external);
  }, 20);
  try {
    for (let i = 0; i < repeat; i++) {
      const run = await measurePeakRss(() =>
        syncTable(
          { sources, s3: s3.client() },
          { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, date: '2024-01-15', bucket: 'bronze' },
          { tempDir: work, maxRowsPerFile, duckdbMemoryLimit, uploadPartSizeBytes, rangeConnections, duckdbThreads },
        ),
      );
      const mem = process.memoryUsage();
      console.log(
        `sync ${i + 1}: ${run.value.rows} rows in ${(run.ms / 1000).toFixed(2)} s, ${Math.round(run.value.rows / (run.ms / 1000))} rows/s, ` +
          `${(run.value.bytes / run.value.rows).toFixed(1)} bytes/row, ${run.value.files} files, ${run.value.slices ?? 1} slices, peak RSS ${run.peakRssMB} MB ` +
          `(after: heap ${Math.round(mem.heapUsed / 2 ** 20)} MB, external ${Math.round(mem.external / 2 ** 20)} MB, arrayBuffers ${Math.round(mem.arrayBuffers / 2 ** 20)} MB)`,
      );
    }
    const mb = (n: number) => Math.round(n / 2 ** 20);
    console.log(`peaks: RSS ${mb(peaks.rss)} MB, JS heap ${mb(peaks.heapUsed)} MB, external (Buffers) ${mb(peaks.external)} MB`);
  } finally {
    clearInterval(sampler);
    await sources.close();
    await s3.shutdown().catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`profile-sync failed: ${(err as Error).message}`);
  process.exit(1);
});
