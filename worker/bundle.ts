/**
 * Builds the workflow bundle once (at image build or before a benchmark) so
 * workers start without compiling workflow code: `npm run build`.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const WORKFLOWS_PATH = require.resolve('../workflows');
/** Where `npm run build` (run from source) writes the bundle: next to the compiled folders in dist/. */
const BUNDLE_OUTPUT = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
/** Where a compiled worker (dist/worker/) finds it. */
export const BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');
/** Workflow interceptors compiled into every bundle (recovery-start metrics). */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('./workflow-metrics-interceptor')];

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES });
  await mkdir(path.dirname(BUNDLE_OUTPUT), { recursive: true });
  await writeFile(BUNDLE_OUTPUT, code);
  console.log(`workflow bundle written to ${BUNDLE_OUTPUT} (${(code.length / 1024).toFixed(0)} KiB)`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`workflow bundle failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
