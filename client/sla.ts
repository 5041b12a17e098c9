/**
 * The SLA view of `orchestrator status`, computed from what Temporal knows:
 * the health monitors' state (healthState query) and the recent daily-sync
 * runs (list workflows). Pure: no I/O, the clock is an argument.
 *
 * Per system: health and active connection, freshness (the monitor's last
 * freshness check), the last successful daily sync and its age, success rate
 * of the daily syncs over 7 and 30 days (runs still running are left out),
 * failovers and switch-backs, and what breaches the seeds' SLA (freshness
 * warn 12 h / critical 24 h, availability target 99.9 %).
 */
import type { Level } from '../activities/types';
import type { SystemName } from '../config/pipelines';
import type { HealthState } from '../workflows/health-state';

export interface RunRecord {
  workflowId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime?: string;
}

export interface SuccessRate {
  succeeded: number;
  finished: number;
  /** 0..100, null when no run finished in the window. */
  percent: number | null;
}

export interface SystemSla {
  system: SystemName;
  monitor: 'running' | 'absent';
  health: HealthState['health'] | 'unknown';
  activeConnection: HealthState['activeConnection'] | 'unknown';
  freshness: { level: Level | 'unknown'; detail: string };
  lastCheckAt: string | null;
  lastSuccess: { workflowId: string; at: string; ageHours: number } | null;
  successRate7d: SuccessRate;
  successRate30d: SuccessRate;
  failovers: number;
  switchBacks: number;
  lastFailover: HealthState['lastFailover'];
  running: string[];
  breaches: string[];
}

export const DAILY_SYNC_TYPES: Record<SystemName, string> = { acode: 'acodeDailySync', radar: 'radarDailySync' };
const FINISHED_FAILED = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const FRESHNESS_WARN_HOURS = 12;
export const FRESHNESS_CRITICAL_HOURS = 24;
export const AVAILABILITY_TARGET_PERCENT = 99.9;

function parseTime(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`status: ${what}: not a timestamp: ${JSON.stringify(value)}`);
  return t;
}

export function successRate(runs: readonly RunRecord[], now: number, days: number): SuccessRate {
  const since = now - days * DAY;
  let succeeded = 0;
  let finished = 0;
  for (const run of runs) {
    const started = parseTime(run.startTime, `${run.workflowId} startTime`) as number;
    if (started < since || started > now) continue;
    if (run.status === 'COMPLETED') {
      succeeded += 1;
      finished += 1;
    } else if (FINISHED_FAILED.has(run.status)) finished += 1;
  }
  return { succeeded, finished, percent: finished ? Math.round((succeeded / finished) * 1000) / 10 : null };
}

export function lastSuccess(runs: readonly RunRecord[], now: number): SystemSla['lastSuccess'] {
  let best: { workflowId: string; at: number } | undefined;
  for (const run of runs) {
    if (run.status !== 'COMPLETED') continue;
    const at = parseTime(run.closeTime ?? run.startTime, `${run.workflowId} closeTime`) as number;
    if (!best || at > best.at) best = { workflowId: run.workflowId, at };
  }
  if (!best) return null;
  return { workflowId: best.workflowId, at: new Date(best.at).toISOString(), ageHours: Math.round(((now - best.at) / HOUR) * 10) / 10 };
}

function breachesOf(sla: Omit<SystemSla, 'breaches'>): string[] {
  const out: string[] = [];
  if (sla.monitor === 'absent') out.push('health monitor not running');
  if (sla.freshness.level === 'critical') out.push(`freshness critical (> ${FRESHNESS_CRITICAL_HOURS} h): ${sla.freshness.detail}`);
  else if (sla.freshness.level === 'warning') out.push(`freshness warning (> ${FRESHNESS_WARN_HOURS} h): ${sla.freshness.detail}`);
  if (!sla.lastSuccess) out.push('no successful daily sync on record');
  else if (sla.lastSuccess.ageHours > FRESHNESS_CRITICAL_HOURS) out.push(`last successful sync ${sla.lastSuccess.ageHours} h ago (> ${FRESHNESS_CRITICAL_HOURS} h)`);
  const rate = sla.successRate30d.percent;
  if (rate !== null && rate < AVAILABILITY_TARGET_PERCENT) out.push(`30-day success rate ${rate} % below ${AVAILABILITY_TARGET_PERCENT} %`);
  if (sla.activeConnection === 'backup') out.push('running on the backup source');
  return out;
}

/** The SLA view of one system from its monitor's state (undefined when no monitor runs) and its runs. */
export function systemSla(system: SystemName, monitor: HealthState | undefined, runs: readonly RunRecord[], now: Date): SystemSla {
  const t = now.getTime();
  const daily = runs.filter((r) => r.type === DAILY_SYNC_TYPES[system]);
  const freshnessCheck = monitor?.lastChecks.find((c) => c.name === 'freshness');
  const base: Omit<SystemSla, 'breaches'> = {
    system,
    monitor: monitor ? 'running' : 'absent',
    health: monitor?.health ?? 'unknown',
    activeConnection: monitor?.activeConnection ?? 'unknown',
    freshness: freshnessCheck ? { level: freshnessCheck.level, detail: freshnessCheck.detail } : { level: 'unknown', detail: 'no freshness check yet' },
    lastCheckAt: monitor?.lastCheckAt ?? null,
    lastSuccess: lastSuccess(daily, t),
    successRate7d: successRate(daily, t, 7),
    successRate30d: successRate(daily, t, 30),
    failovers: monitor?.failovers ?? 0,
    switchBacks: monitor?.switchBacks ?? 0,
    lastFailover: monitor?.lastFailover ?? null,
    running: daily.filter((r) => r.status === 'RUNNING').map((r) => r.workflowId),
  };
  return { ...base, breaches: breachesOf(base) };
}

const pct = (r: SuccessRate) => (r.percent === null ? 'n/a' : `${r.percent} % (${r.succeeded}/${r.finished})`);

/** The human-readable table of `orchestrator status --format text`. */
export function formatSla(view: readonly SystemSla[]): string {
  const lines: string[] = [];
  for (const s of view) {
    lines.push(`${s.system.toUpperCase()}  ${s.health} on ${s.activeConnection} (monitor ${s.monitor}${s.lastCheckAt ? `, last check ${s.lastCheckAt}` : ''})`);
    lines.push(`  freshness      ${s.freshness.level}: ${s.freshness.detail}`);
    lines.push(`  last success   ${s.lastSuccess ? `${s.lastSuccess.at} (${s.lastSuccess.ageHours} h ago, ${s.lastSuccess.workflowId})` : 'none'}`);
    lines.push(`  success rate   7 d ${pct(s.successRate7d)}, 30 d ${pct(s.successRate30d)}`);
    lines.push(`  failovers      ${s.failovers} (switch-backs ${s.switchBacks})${s.lastFailover ? `, last ${s.lastFailover.at} ${s.lastFailover.failureType}` : ''}`);
    if (s.running.length) lines.push(`  running        ${s.running.join(', ')}`);
    lines.push(`  SLA            ${s.breaches.length ? s.breaches.join('; ') : 'met'}`);
  }
  return lines.join('\n');
}
