/** Every drill scenario by name. */
import type { Scenario } from '../scenario';
import { primaryDown } from './primary-down';

export const SCENARIOS: readonly Scenario[] = [primaryDown];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
