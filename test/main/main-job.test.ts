/**
 * The README's main job, as a person runs it: `npm start -- --once` on the
 * embedded stack exits 0, its progress display names each ACODE stream's rows
 * done, and its summary names every ACODE stream and every Radar critical table
 * with rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACODE_STREAMS, RADAR_CRITICAL_TABLES } from '../../config/pipelines';
import { RADAR_TABLE_NAMES } from '../../config/radar-tables';
import { spawnGroup, stopAllGroups } from '../../engines/process-group';

/** `tsx worker/main.ts --once` (what `npm start -- --once` runs), in its own process group with the servers it starts. */
async function runMainJob(dataDir: string): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  for (const key of ['TEMPORAL_ADDRESS', 'ACODE_HOST', 'RADAR_HOST', 'S3_ENDPOINT']) delete env[key];
  const child = spawnGroup(process.execPath, [require.resolve('tsx/cli'), 'worker/main.ts', '--once', '--rows', '3000', '--data-dir', dataDir], { env });
  const { code } = await child.exited;
  return { code, output: child.output() };
}

describe('main job', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'main-job-'));
  afterAll(async () => {
    await stopAllGroups(); // a job still running when the test timed out, with its MariaDB servers
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs ACODE and Radar once on the embedded stack and exits 0 with a summary', async () => {
    const { code, output } = await runMainJob(dataDir);
    expect(output).toContain('Summary');
    for (const stream of ACODE_STREAMS) {
      const line = output.split('\n').find((l) => l.trim().startsWith(`${stream.name}:`));
      expect(line).toBeDefined();
      expect(Number(/: (\d+) rows/.exec(line!)?.[1])).toBeGreaterThan(0);
      expect(line).toContain(`s3://farmarcas-production-bronze/origin=airbyte/database=bronze_acode/${stream.name}/cog_dt_ingestion=`);
      // the progress display named the stream's rows done, the same rows as the summary, once
      const progress = output.split('\n').filter((l) => new RegExp(`… \\d+ s: acode ${stream.name} done \\d+ rows`).test(l));
      expect(progress).toHaveLength(1);
      expect(progress[0]).toContain(`done ${/: (\d+) rows/.exec(line!)?.[1]} rows`);
    }
    // Radar's tables: counted on one line as they finish, all of them by the last look before the summary
    const tables = RADAR_TABLE_NAMES.length;
    expect(output).toMatch(new RegExp(`… \\d+ s: radar: ${tables} streams: ${tables} done, \\d+ rows\\n[^]*Summary`));
    expect(output).not.toMatch(/steps done/);
    for (const table of RADAR_CRITICAL_TABLES) {
      const line = output.split('\n').find((l) => l.trim().startsWith(`${table} (critical):`));
      expect(line).toMatch(/synced, [1-9]\d* rows/);
    }
    expect(output).toMatch(/Temporal UI at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).not.toMatch(/FAILED/);
    expect(code).toBe(0);
  }, 180_000);
});
