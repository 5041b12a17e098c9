/** The workflows bundle for the Temporal sandbox: no Node APIs, no I/O modules pulled in. */
import { bundleWorkflowCode } from '@temporalio/worker';
import * as path from 'node:path';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('workflow bundle', () => {
  it('builds from workflows/index.ts and exports every workflow', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'), logger: quiet });
    for (const name of ['acodeDailySync', 'radarDailySync', 'healthMonitor', 'recovery', 'reconciliation']) {
      expect(bundle.code).toContain(name);
    }
    expect(bundle.code).not.toMatch(/require\(["']mysql2/);
  }, 120_000);
});
