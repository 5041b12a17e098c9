/**
 * Runs one drill scenario on a fresh embedded stack and tears it down, whatever
 * happens: also on Ctrl-C or SIGTERM, so no MariaDB, S3 or Temporal process outlives the drill.
 */
import { startDrillStack } from './drill-stack';
import type { Scenario, ScenarioRun } from './scenario';

export async function runScenario(scenario: Scenario): Promise<ScenarioRun> {
  const ctx = await startDrillStack(scenario.stack);
  const onSignal = (signal: NodeJS.Signals) => {
    void ctx.teardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await scenario.run(ctx);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.teardown();
  }
}
