/** Runs one drill scenario on a fresh embedded stack and tears it down, whatever happens. */
import { startDrillStack } from './drill-stack';
import type { Scenario, ScenarioRun } from './scenario';

export async function runScenario(scenario: Scenario): Promise<ScenarioRun> {
  const ctx = await startDrillStack(scenario.stack);
  try {
    return await scenario.run(ctx);
  } finally {
    await ctx.teardown();
  }
}
