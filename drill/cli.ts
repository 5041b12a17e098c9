/**
 * npm run drill -- <scenario>|all [--json] [--out DIR] [--swallow|--drop]
 *
 * Runs a game-day drill on the embedded stack with the seeds' production
 * timings (time skipping makes hours of service time take seconds), prints its
 * timeline and objectives (or, with --json, one summary line per scenario) and,
 * with --out, writes drill-<scenario>.svg and drill-<scenario>.json there.
 * --swallow runs network-partition with connections accepted and never answered
 * (each check waits its real 30-s timeout: minutes of wall time), --drop with
 * connections reset at once; without either, its DEFAULT_PARTITION_MODE.
 * Exit code 0 when every objective of every scenario run was met, 1 otherwise, 2 on bad usage.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatRun } from './report-text';
import { timelineSvg } from './report-svg';
import { runScenario } from './run-scenario';
import { SCENARIOS, scenarioNamed } from './scenarios';
import { DEFAULT_PARTITION_MODE, networkPartition, networkPartitionWith } from './scenarios/network-partition';
import type { PartitionMode } from '../local/net/partition-proxy';

function usage(): never {
  process.stderr.write(
    `usage: npm run drill -- <${SCENARIOS.map((s) => s.name).join('|')}|all> [--json] [--out DIR] [--swallow|--drop]\n` +
      `  --swallow  network-partition: connections accepted, never answered (real 30-s timeouts)${DEFAULT_PARTITION_MODE === 'swallow' ? ' (the default)' : ''}\n` +
      `  --drop     network-partition: connections reset at once${DEFAULT_PARTITION_MODE === 'drop' ? ' (the default)' : ''}\n`,
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  let json = false;
  let out: string | undefined;
  let partitionMode: PartitionMode | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--swallow' || a === '--drop') {
      const mode: PartitionMode = a === '--swallow' ? 'swallow' : 'drop';
      if (partitionMode && partitionMode !== mode) usage();
      partitionMode = mode;
    }
    else if (a === '--out') out = argv[++i] ?? usage();
    else if (a.startsWith('-')) usage();
    else names.push(a);
  }
  if (names.length === 0) usage();
  const chosen = names.includes('all') ? [...SCENARIOS] : names.map((n) => scenarioNamed(n) ?? usage());
  if (partitionMode && !chosen.includes(networkPartition)) usage();
  const scenarios = chosen.map((s) => (s === networkPartition && partitionMode ? networkPartitionWith(partitionMode) : s));
  let passed = true;
  for (const scenario of scenarios) {
    const run = await runScenario(scenario);
    passed &&= run.summary.passed;
    process.stdout.write(json ? `${JSON.stringify(run.summary)}\n` : `${formatRun(run)}\n\n`);
    if (out) {
      await fs.mkdir(out, { recursive: true });
      await fs.writeFile(path.join(out, `drill-${scenario.name}.svg`), timelineSvg(run));
      await fs.writeFile(path.join(out, `drill-${scenario.name}.json`), `${JSON.stringify({ ...run.summary, events: run.events, end: run.end }, null, 2)}\n`);
    }
  }
  return passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`drill failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
