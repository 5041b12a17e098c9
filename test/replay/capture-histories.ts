/**
 * Re-captures the workflow history fixtures (test/fixtures/histories/*.json) after
 * an intended workflow change:
 *
 *   npx tsx test/replay/capture-histories.ts
 *
 * It runs the fast workflow tests (test/workflows/fast, stand-in activities, a few
 * seconds) with CAPTURE_HISTORIES=1: each test saves the history of the runs it names
 * in `captureHistory(handle, name)`, and its workflow id (workflow-ids.json). They are written to a temporary folder and
 * replace the fixtures only when every test passed and every fixture of
 * REQUIRED_FIXTURES (test/replay/fixtures.ts) is there with its workflow type, so a
 * failed capture never leaves a half-updated set. Then `npx jest test/replay`
 * replays them against the workflow code.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES_DIR, REQUIRED_FIXTURES, WORKFLOW_IDS_FILE, WORKFLOW_ID_SUFFIX, fixtureNames, loadFixture, workflowTypeOf } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');

function main(): number {
  const captured = mkdtempSync(path.join(os.tmpdir(), 'histories-'));
  try {
    const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
    const run = spawnSync(process.execPath, [jest, 'test/workflows/fast'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, CAPTURE_HISTORIES: '1', CAPTURE_HISTORIES_DIR: captured },
    });
    if (run.status !== 0) {
      console.error(`capture-histories: the fast workflow tests failed (exit ${run.status ?? run.signal}); fixtures left as they were`);
      return 1;
    }
    const names = fixtureNames(captured);
    const problems: string[] = [];
    for (const [name, type] of Object.entries(REQUIRED_FIXTURES)) {
      if (!names.includes(name)) problems.push(`${name}: not captured`);
      else if (workflowTypeOf(loadFixture(name, captured)) !== type) problems.push(`${name}: expected a ${type} history`);
    }
    if (problems.length > 0) {
      console.error(`capture-histories: fixtures left as they were:\n  ${problems.join('\n  ')}`);
      return 1;
    }
    const workflowIds = Object.fromEntries(names.map((name) => [name, readFileSync(path.join(captured, `${name}${WORKFLOW_ID_SUFFIX}`), 'utf8')]));
    rmSync(FIXTURES_DIR, { recursive: true, force: true });
    mkdirSync(FIXTURES_DIR, { recursive: true });
    for (const name of names) copyFileSync(path.join(captured, `${name}.json`), path.join(FIXTURES_DIR, `${name}.json`));
    writeFileSync(path.join(FIXTURES_DIR, WORKFLOW_IDS_FILE), `${JSON.stringify(workflowIds, null, 2)}\n`);
    console.log(`capture-histories: ${names.length} fixtures written to ${path.relative(ROOT, FIXTURES_DIR)}/`);
    for (const name of names) {
      const history = loadFixture(name);
      console.log(`  ${name}.json: ${workflowTypeOf(history)} ${workflowIds[name]}, ${history.events?.length ?? 0} events`);
    }
    return 0;
  } finally {
    rmSync(captured, { recursive: true, force: true });
  }
}

process.exitCode = main();
