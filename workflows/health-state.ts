/**
 * The health monitor's state, as the `healthState` query answers it and as
 * continue-as-new carries it to the next run. Pure.
 */
import type { FailureType } from '../config/failures';
import type { SourceRole, SystemName } from '../config/pipelines';
import { ERROR_RATE_WINDOW, type CheckOutcome, type Health } from './policy';

export interface FailoverRecord {
  at: string;
  failureType: FailureType;
  reasons: string[];
  recoveryWorkflowId: string;
}

export interface HealthState {
  system: SystemName;
  health: Health;
  /** The source the pipeline runs on now. */
  activeConnection: SourceRole;
  paused: boolean;
  consecutiveFailures: number;
  lastCheckAt: string | null;
  lastChecks: CheckOutcome[];
  /** Primary check outcomes, oldest first, at most ERROR_RATE_WINDOW (true = ok). */
  recentOutcomes: boolean[];
  /** Risks reported by the last cycle (a lagging replica). */
  risks: string[];
  lastFailover: FailoverRecord | null;
  /** The day re-read from the primary after the last switch-back (catch-up-sync.ts). */
  lastCatchUp: { workflowId: string; date: string } | null;
  failovers: number;
  switchBacks: number;
  /** Cycles in this run, and over all runs chained by continue-as-new. */
  cycles: number;
  totalCycles: number;
}

export function initialHealthState(system: SystemName): HealthState {
  return {
    system,
    health: 'healthy',
    activeConnection: 'primary',
    paused: false,
    consecutiveFailures: 0,
    lastCheckAt: null,
    lastChecks: [],
    recentOutcomes: [],
    risks: [],
    lastFailover: null,
    lastCatchUp: null,
    failovers: 0,
    switchBacks: 0,
    cycles: 0,
    totalCycles: 0,
  };
}

/** Takes the state carried over by continue-as-new; anything malformed falls back to a fresh start for that field. */
export function restoreHealthState(system: SystemName, carried: unknown): HealthState {
  const fresh = initialHealthState(system);
  if (!carried || typeof carried !== 'object') return fresh;
  const c = carried as Partial<HealthState>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : d);
  return {
    ...fresh,
    activeConnection: c.activeConnection === 'backup' ? 'backup' : 'primary',
    paused: c.paused === true,
    consecutiveFailures: num(c.consecutiveFailures, 0),
    health: c.health === 'degraded' || c.health === 'unhealthy' ? c.health : 'healthy',
    lastCheckAt: typeof c.lastCheckAt === 'string' ? c.lastCheckAt : null,
    lastChecks: Array.isArray(c.lastChecks) ? c.lastChecks : [],
    recentOutcomes: Array.isArray(c.recentOutcomes) ? c.recentOutcomes.filter((x) => typeof x === 'boolean').slice(-ERROR_RATE_WINDOW) : [],
    risks: Array.isArray(c.risks) ? c.risks : [],
    lastFailover: c.lastFailover && typeof c.lastFailover === 'object' ? c.lastFailover : null,
    lastCatchUp: c.lastCatchUp && typeof c.lastCatchUp === 'object' ? c.lastCatchUp : null,
    failovers: num(c.failovers, 0),
    switchBacks: num(c.switchBacks, 0),
    totalCycles: num(c.totalCycles, 0),
    cycles: 0,
  };
}

/** Records one primary check outcome. */
export function recordPrimaryOutcome(state: HealthState, ok: boolean): void {
  state.consecutiveFailures = ok ? 0 : state.consecutiveFailures + 1;
  state.recentOutcomes = [...state.recentOutcomes, ok].slice(-ERROR_RATE_WINDOW);
}
