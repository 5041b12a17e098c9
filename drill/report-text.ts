/** The drill's timeline and objectives as text, times on the service clock (UTC) and relative to the fault. */
import type { ScenarioRun } from './scenario';

const hhmmss = (at: number) => new Date(at).toISOString().slice(11, 19);

export function offset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.round(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const KIND_MARK: Record<string, string> = { fault: 'FAULT', check: 'check', alert: 'alert', page: 'PAGE ', step: 'step ', data: 'DATA ' };

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return 'never';
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min ${s} s` : `${m} min ${s} s`;
}

export function formatRun(run: ScenarioRun): string {
  const { summary, events } = run;
  const faultAt = Date.parse(summary.faultAt);
  const lines = [`drill ${summary.scenario} — day ${summary.faultAt.slice(0, 10)}, service clock (UTC), offsets from the fault`, ''];
  for (const e of events) {
    const level = e.level ? ` [${e.level}]` : '';
    lines.push(`  ${hhmmss(e.at)}  ${offset(e.at - faultAt).padStart(9)}  ${KIND_MARK[e.kind] ?? e.kind}${level} ${e.label}`);
  }
  lines.push('', 'measured:');
  lines.push(`  detect ${formatDuration(summary.detectMs)} · critical alert ${formatDuration(summary.criticalAlertMs)} · page ${formatDuration(summary.pageMs)}`);
  lines.push(`  data landed ${formatDuration(summary.landedMs)} · RTO ${formatDuration(summary.rtoMs)} · switch-back ${summary.switchBackMs === undefined ? "none (no failover)" : formatDuration(summary.switchBackMs)}`);
  lines.push(`  RPO: ${summary.rowsLost} of ${summary.sourceRows} source rows lost`);
  lines.push('objectives:');
  for (const o of summary.objectives) {
    const value = o.value === undefined ? 'never' : o.name.startsWith('RPO') ? `${o.value} rows` : formatDuration(o.value);
    lines.push(`  ${o.met ? 'met   ' : 'MISSED'}  ${o.name.padEnd(28)} ${value.padEnd(18)} (${o.limit})`);
  }
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  lines.push(`result: ${summary.passed ? 'every objective met' : 'objectives missed'}`);
  return lines.join('\n');
}
