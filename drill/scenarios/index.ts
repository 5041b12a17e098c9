/** Every drill scenario by name. */
import type { Scenario } from '../scenario';
import { dataCorruption } from './data-corruption';
import { networkPartition } from './network-partition';
import { primaryDown } from './primary-down';
import { replicaLagging } from './replica-lagging';
import { s3Outage } from './s3-outage';
import { schemaChangeUnanswered } from './schema-change-unanswered';

export const SCENARIOS: readonly Scenario[] = [primaryDown, networkPartition, dataCorruption, schemaChangeUnanswered, replicaLagging, s3Outage];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
