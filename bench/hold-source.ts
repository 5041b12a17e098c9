/**
 * Starts the local MariaDB pair with N sample fiscal rows and keeps it up
 * until SIGINT/SIGTERM, writing its endpoints and credentials to a JSON file,
 * so bench/profile-sync.ts can be run (and profiled) many times against the
 * same loaded table without reloading it.
 *
 *   npx tsx bench/hold-source.ts --rows 1000000 --out /tmp/source.json
 *
 * The JSON file holds the local sample passwords: keep it in a temp directory.
 */
import { promises as fs } from 'node:fs';
import { startMariaDbPair } from '../local/mariadb/pair';
import { loadAcodeSample } from '../local/sampledata/load-sample-data';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const rows = Number(arg('--rows') ?? 1_000_000);
  const out = arg('--out');
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`hold-source: invalid --rows ${JSON.stringify(arg('--rows'))}: expected a positive integer`);
  if (!out) throw new Error('hold-source: --out <file> is required');
  const pair = await startMariaDbPair({ bufferPoolSize: '512M' });
  const stop = async () => {
    await pair.shutdown().catch(() => undefined);
    await fs.rm(out, { force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const started = Date.now();
  await loadAcodeSample(pair.primary, { fiscalRows: rows, productRows: 1000, complementRows: 10 });
  await pair.waitForReplicaCatchUp(600_000);
  await fs.writeFile(out, JSON.stringify({ endpoints: pair.endpoints, env: pair.credentialsEnv(), rows }), { mode: 0o600 });
  console.log(`holding ${rows} fiscal rows (loaded in ${((Date.now() - started) / 1000).toFixed(1)} s); endpoints in ${out}`);
}

main().catch((err) => {
  console.error(`hold-source failed: ${(err as Error).message}`);
  process.exit(1);
});
