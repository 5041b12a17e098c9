/**
 * Benchmark of the direct sync engine against a peer pipeline on the same
 * ACODE fiscal table, in one run on this machine:
 *   ours: syncTable (mysql2 stream → DuckDB Parquet SNAPPY → S3 upload), in a
 *         process of its own as a worker runs it (bench/sync-process.ts)
 *   peer: `mariadb --quick --batch` dump to a file → DuckDB COPY … (FORMAT
 *         PARQUET, COMPRESSION SNAPPY) with the same Airbyte columns → upload
 *   limit: `mariadb --quick --batch` reading the table to /dev/null (the
 *         client writes to it directly, as `> /dev/null` does), the source's
 *         own extraction limit; ours is reported as a ratio of it
 *   writers: DuckDB and parquetjs-lite on the same sample of rows
 *   reconcile: reconcilePartition over the bronze and backup partitions
 *
 *   npm run bench -- [--rows 1000000] [--rounds 2] [--connections N] [--writer-rows 200000] [--duckdb-memory 256MB] [--json]
 *
 * `--connections` sets the connections reading key slices of the table at
 * once (default: the engine's, one per two cores).
 *
 * Ours, the peer and the limit run alternately, `--rounds` times each, on the same
 * loaded table; the best run of each is compared (the machine may be shared,
 * and the first scan after the load also pays for InnoDB's background work).
 *
 * Needs, besides `npm ci`: mariadbd (the local source pair) and the `mariadb`
 * command-line client (the peer's dump), both installed with the Debian
 * package mariadb-server (`apt-get install -y mariadb-server`), as .ci/run does.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ACODE_FISCAL_TABLE, partitionFileName, partitionPrefix } from '../config/pipelines';
import { createMysqlSources } from '../activities/mysql/mysql-sources';
import { syncTable } from '../activities/engine/extract-engine';
import { uploadFile } from '../activities/s3/partition-writes';
import { createReconcileActivities } from '../activities/quality/reconcile';
import { startMariaDbPair } from '../local/mariadb/pair';
import { rowsServedSinceLast } from '../local/mariadb/table-statistics';
import { loadAcodeSample } from '../local/sampledata/load-sample-data';
import { startS3Server } from '../engines/s3-server';
import { measurePeakRss } from './peak-rss';
import type { SyncProcessJob, SyncProcessResult } from './sync-process';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench: invalid ${name} ${JSON.stringify(process.argv[i + 1])}: expected a positive integer`);
  return value;
}

const rows = argValue('--rows', 1_000_000);
const rounds = argValue('--rounds', 2);
const writerRows = Math.min(rows, argValue('--writer-rows', 200_000));
const asJson = process.argv.includes('--json');
const rangeConnections = process.argv.includes('--connections') ? argValue('--connections', 1) : undefined;
const memoryArg = process.argv.indexOf('--duckdb-memory');
const duckdbMemoryLimit = memoryArg >= 0 ? process.argv[memoryArg + 1] : undefined;
const log = (line: string) => console.log(line);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** `mariadb --quick --batch … > file`: the client writes to the file itself, as a shell redirect has it, not through this process. */
async function dumpWithMariadbClient(endpoint: { host: string; port: number; user: string; database: string }, password: string, file: string): Promise<void> {
  const out = await fs.open(file, 'w');
  try {
    const child = spawn(
      'mariadb',
      ['--quick', '--batch', '--skip-column-names', `--host=${endpoint.host}`, `--port=${endpoint.port}`, `--user=${endpoint.user}`, endpoint.database, '-e', `SELECT * FROM ${ACODE_FISCAL_TABLE}`],
      { env: { ...process.env, MYSQL_PWD: password }, stdio: ['ignore', out.fd, 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`mariadb dump failed (exit ${code}): ${stderr.split('\n')[0]}`);
  } finally {
    await out.close();
  }
}

/** One sync of ours in a process of its own (bench/sync-process.ts), as a worker runs it: its time and its own peak RSS. */
async function syncInOwnProcess(job: SyncProcessJob, jobFile: string): Promise<SyncProcessResult> {
  await fs.writeFile(jobFile, JSON.stringify(job), { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sync-process.ts'), jobFile], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const stopGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', stopGroup);
  try {
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`sync in its own process failed (exit ${code}): ${stderr.trim().split('\n').pop()}`);
    return JSON.parse(line) as SyncProcessResult;
  } finally {
    process.off('exit', stopGroup);
    stopGroup();
  }
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-'));
  const pair = await startMariaDbPair({ bufferPoolSize: '512M' });
  const s3 = await startS3Server();
  try {
    pair.applyCredentials();
    const loadStarted = Date.now();
    await loadAcodeSample(pair.primary, { fiscalRows: rows, productRows: 1000, complementRows: 10 });
    await pair.primary.withAdmin(async (conn) => {
      await conn.query('DROP TABLE IF EXISTS bench_fiscal_sample');
      await conn.query(`CREATE TABLE bench_fiscal_sample LIKE ${ACODE_FISCAL_TABLE}`);
      await conn.query(`INSERT INTO bench_fiscal_sample SELECT * FROM ${ACODE_FISCAL_TABLE} ORDER BY idpk LIMIT ${writerRows}`);
    }, 'acode_farmarcas');
    await pair.waitForReplicaCatchUp(600_000);
    log(`loaded ${rows} fiscal rows in ${seconds(Date.now() - loadStarted)} s`);
    const sources = createMysqlSources(pair.endpoints);
    const client = s3.client();
    const deps = { sources, s3: client };
    const date = '2024-01-15';

    // rows the source served to one sync of ours (MariaDB's user statistics): the extraction reads each row once
    const rowsServed = () => rowsServedSinceLast(pair.primary, ACODE_FISCAL_TABLE);
    let servedRatio = 0;
    const job: SyncProcessJob = { endpoints: pair.endpoints, env: pair.credentialsEnv(), s3Endpoint: s3.endpoint, date, rangeConnections, duckdbMemoryLimit, tempDir: work };
    const runOurs = async () => {
      await rowsServed();
      const run = await syncInOwnProcess(job, path.join(work, 'sync-job.json'));
      servedRatio = Math.max(servedRatio, (await rowsServed()) / rows);
      return run;
    };
    const endpoint = pair.endpoints.acode.primary;
    const dumpFile = path.join(work, 'peer.tsv');
    const peerParquet = path.join(work, 'peer.parquet');
    const runPeer = async () => {
      const peerStarted = Date.now();
      await dumpWithMariadbClient(endpoint, process.env[endpoint.passwordEnv] ?? '', dumpFile);
      const dumped = Date.now();
      const duck = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '256MB' });
      const con = await duck.connect();
      await con.run(`COPY (SELECT *, uuid()::VARCHAR AS _airbyte_ab_id, now() AS _airbyte_emitted_at FROM read_csv('${dumpFile}', delim = '\t', header = false, quote = '', escape = '', nullstr = 'NULL')) TO '${peerParquet}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
      con.closeSync();
      duck.closeSync();
      const encoded = Date.now();
      await uploadFile(client, 'farmarcas-backup-acode', `peer/${partitionFileName('acode', ACODE_FISCAL_TABLE, 1)}`, peerParquet);
      const ms = Date.now() - peerStarted;
      await fs.rm(dumpFile, { force: true });
      return { ms, bytes: (await fs.stat(peerParquet)).size, dumpMs: dumped - peerStarted, encodeMs: encoded - dumped, uploadMs: Date.now() - encoded };
    };

    let ours: Awaited<ReturnType<typeof runOurs>> | undefined;
    let peer: Awaited<ReturnType<typeof runPeer>> | undefined;
    // the source's own extraction limit: the client reading the table to /dev/null
    let limitMs = Infinity;
    const runLimit = async () => {
      const started = Date.now();
      await dumpWithMariadbClient(endpoint, process.env[endpoint.passwordEnv] ?? '', '/dev/null');
      return Date.now() - started;
    };
    for (let round = 1; round <= rounds; round++) {
      // alternate who goes first, so neither always meets the freshly loaded table
      const order = round % 2 === 1 ? (['limit', 'peer', 'ours'] as const) : (['ours', 'peer', 'limit'] as const);
      for (const who of order) {
        if (who === 'limit') {
          const ms = await runLimit();
          log(`round ${round} limit: ${seconds(ms)} s, ${Math.round(rows / (ms / 1000))} rows/s (mariadb --quick to /dev/null)`);
          limitMs = Math.min(limitMs, ms);
        } else if (who === 'ours') {
          const run = await runOurs();
          log(`round ${round} ours:  ${seconds(run.ms)} s, ${Math.round(rows / (run.ms / 1000))} rows/s, ${run.files} files, ${run.slices} slices, peak RSS ${run.peakRssMB} MB`);
          if (!ours || run.ms < ours.ms) ours = { ...run, peakRssMB: Math.max(run.peakRssMB, ours?.peakRssMB ?? 0) };
          else ours.peakRssMB = Math.max(ours.peakRssMB, run.peakRssMB);
        } else {
          const run = await runPeer();
          log(`round ${round} peer:  ${seconds(run.ms)} s (dump ${seconds(run.dumpMs)}, encode ${seconds(run.encodeMs)}, upload ${seconds(run.uploadMs)}), ${Math.round(rows / (run.ms / 1000))} rows/s`);
          if (!peer || run.ms < peer.ms) peer = run;
        }
      }
    }
    if (!ours || !peer) throw new Error('bench: --rounds must be at least 1');
    const oursRowsPerSec = rows / (ours.ms / 1000);
    const oursBytesPerRow = ours.bytes / rows;
    log(`ours:  ${seconds(ours.ms)} s, ${Math.round(oursRowsPerSec)} rows/s, ${((ours.bytes / 1e6) / (ours.ms / 60000)).toFixed(0)} MB/min, ${oursBytesPerRow.toFixed(1)} bytes/row, ${ours.files} files, peak RSS ${ours.peakRssMB} MB (best of ${rounds}; RSS the highest)`);
    log(`ours:  rows the source served per sync / table rows: ${servedRatio.toFixed(4)} (the highest of ${rounds})`);
    const peerMs = peer.ms;
    const peerBytes = peer.bytes;
    const peerRowsPerSec = rows / (peerMs / 1000);
    const peerBytesPerRow = peerBytes / rows;
    log(`peer:  ${seconds(peerMs)} s (dump ${seconds(peer.dumpMs)}, encode ${seconds(peer.encodeMs)}, upload ${seconds(peer.uploadMs)}), ${Math.round(peerRowsPerSec)} rows/s, ${peerBytesPerRow.toFixed(1)} bytes/row (best of ${rounds})`);
    log(`ratio ours/peer rows/s: ${(oursRowsPerSec / peerRowsPerSec).toFixed(2)}, bytes/row: ${(oursBytesPerRow / peerBytesPerRow).toFixed(2)}`);
    const limitRowsPerSec = rows / (limitMs / 1000);
    log(`limit: ${seconds(limitMs)} s, ${Math.round(limitRowsPerSec)} rows/s; ratio ours/limit rows/s: ${(oursRowsPerSec / limitRowsPerSec).toFixed(2)}`);

    // a crash at 80 % of the table: the sync stopped there, then resumed from its last checkpoint
    await rowsServed();
    const stop = new AbortController();
    let lastCheckpoint: unknown;
    const crashOptions = { tempDir: work, duckdbMemoryLimit, rangeConnections };
    await syncTable(deps, { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, date, bucket: 'bronze' }, {
      ...crashOptions,
      signal: stop.signal,
      onCheckpoint: (cp) => (lastCheckpoint = cp),
      onProgress: (p) => {
        if (p.rows >= 0.8 * rows) stop.abort(new Error('crash at 80 %'));
      },
    }).catch(() => undefined);
    const resumed = await syncTable(deps, { system: 'acode', role: 'primary', stream: ACODE_FISCAL_TABLE, date, bucket: 'bronze' }, { ...crashOptions, resumeFrom: lastCheckpoint });
    const crashRatio = (await rowsServed()) / rows;
    log(`crash at 80 %: the resumed sync continued after ${resumed.resumedFrom?.rows ?? 0} rows; rows the source served / table rows: ${crashRatio.toFixed(3)}`);

    // writers on the same sample
    for (const writer of ['duckdb', 'parquetjs'] as const) {
      const run = await measurePeakRss(() =>
        syncTable(deps, { system: 'acode', role: 'primary', stream: 'bench_fiscal_sample', date, bucket: 'bronze' }, { writer, tempDir: work }),
      ).catch((err) => err as Error);
      if (run instanceof Error) {
        log(`writer ${writer}: failed: ${run.message}`);
        continue;
      }
      log(`writer ${writer}: ${writerRows} rows in ${seconds(run.ms)} s, ${Math.round(writerRows / (run.ms / 1000))} rows/s, ${(run.value.bytes / writerRows).toFixed(1)} bytes/row, peak RSS ${run.peakRssMB} MB`);
    }

    // reconcile: backup partition from the replica, then bronze vs backup
    await syncTable(deps, { system: 'acode', role: 'backup', stream: ACODE_FISCAL_TABLE, date, bucket: 'backup' }, { tempDir: work });
    const rssBeforeReconcileMB = Math.round(process.memoryUsage.rss() / 2 ** 20); // what the earlier steps left in this process
    const reconcile = await measurePeakRss(() =>
      createReconcileActivities({ s3: client }).reconcilePartition({ system: 'acode', stream: ACODE_FISCAL_TABLE, date }),
    );
    log(`reconcile: ${seconds(reconcile.ms)} s, peak RSS ${reconcile.peakRssMB} MB (RSS ${rssBeforeReconcileMB} MB before it), gaps ${reconcile.value.gapsFound}`);
    log(`partition: s3://farmarcas-production-bronze/${partitionPrefix('acode', ACODE_FISCAL_TABLE, date)}`);

    if (asJson) {
      console.log(
        JSON.stringify({
          rows,
          rowsPerSec: Math.round(oursRowsPerSec),
          peerRowsPerSec: Math.round(peerRowsPerSec),
          ratio: Number((oursRowsPerSec / peerRowsPerSec).toFixed(3)),
          limitRowsPerSec: Math.round(limitRowsPerSec),
          ratioToLimit: Number((oursRowsPerSec / limitRowsPerSec).toFixed(3)),
          bytesPerRow: Number(oursBytesPerRow.toFixed(2)),
          peerBytesPerRow: Number(peerBytesPerRow.toFixed(2)),
          peakRssMB: ours.peakRssMB,
          rowsServedRatio: Number(servedRatio.toFixed(4)),
          crashAt80RowsServedRatio: Number(crashRatio.toFixed(3)),
          reconcileSeconds: Number((reconcile.ms / 1000).toFixed(2)),
          reconcilePeakRssMB: reconcile.peakRssMB,
          rssBeforeReconcileMB,
        }),
      );
    }
    await sources.close();
  } finally {
    await s3.shutdown().catch(() => undefined);
    await pair.shutdown().catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
