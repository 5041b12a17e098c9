import { buildUi, uiBuildState } from './build';

/** `npm run ui:build`: builds ui/build when it is missing or older than the UI's sources (`--force`: always). */
async function main(): Promise<void> {
  const state = uiBuildState();
  if (state.kind === 'ready' && !process.argv.includes('--force')) {
    console.log(`Temporal UI: ${state.dir} is up to date`);
    return;
  }
  if (state.kind === 'unavailable' || state.kind === 'building') throw new Error(state.reason);
  const started = Date.now();
  console.log('Temporal UI: building (about 2 minutes)');
  await buildUi().done;
  console.log(`Temporal UI: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((err: Error) => {
  console.error(`ui:build: ${err.message}`);
  process.exit(1);
});
