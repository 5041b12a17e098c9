/**
 * The drill's timeline as one SVG: a lane per kind of event (faults, checks,
 * alerts, pages, strategy steps, data landing) on one service-clock time axis,
 * the fault window shaded, the measured intervals as brackets, and below it
 * every event numbered as on the axis, with the objectives met or missed.
 * Plain SVG text, no dependency.
 */
import { formatDuration, offset } from './report-text';
import type { ScenarioRun } from './scenario';
import type { DrillEvent, EventKind } from './timeline';

const LANES: { kind: EventKind; title: string }[] = [
  { kind: 'fault', title: 'faults' },
  { kind: 'check', title: 'primary checks' },
  { kind: 'alert', title: 'alerts (Slack)' },
  { kind: 'page', title: 'pages (PagerDuty)' },
  { kind: 'step', title: 'recovery steps' },
  { kind: 'data', title: 'data landed' },
];
const WIDTH = 1200;
const LEFT = 150;
const RIGHT = 30;
const TOP = 60;
const LANE_H = 34;
const LINE_H = 16;

const COLOURS: Record<string, string> = {
  ok: '#2e7d32', warning: '#ef6c00', critical: '#c62828', CRITICAL: '#c62828', ERROR: '#d84315', WARNING: '#ef6c00', INFO: '#1565c0',
  error: '#d84315', info: '#1565c0',
};
const KIND_COLOUR: Record<EventKind, string> = { fault: '#6a1b9a', check: '#555', alert: '#1565c0', page: '#c62828', step: '#37474f', data: '#2e7d32' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);
const colourOf = (e: DrillEvent) => (e.level && COLOURS[e.level]) || KIND_COLOUR[e.kind];

function tickStep(spanMs: number): number {
  const minutes = [1, 2, 5, 10, 15, 30, 60, 120, 240].find((m) => spanMs / (m * 60_000) <= 14) ?? 480;
  return minutes * 60_000;
}

function marker(e: DrillEvent, x: number, y: number, n: number): string {
  const c = colourOf(e);
  const title = `<title>${esc(`${n}. ${hhmm(e.at)} ${e.label}`)}</title>`;
  const shape =
    e.kind === 'fault'
      ? `<path d="M${x} ${y - 9} L${x + 8} ${y + 6} L${x - 8} ${y + 6} Z" fill="${c}"/>`
      : e.kind === 'page'
        ? `<rect x="${x - 6}" y="${y - 6}" width="12" height="12" fill="${c}"/>`
        : e.kind === 'data'
          ? `<path d="M${x} ${y - 8} L${x + 8} ${y} L${x} ${y + 8} L${x - 8} ${y} Z" fill="${c}"/>`
          : `<circle cx="${x}" cy="${y}" r="6" fill="${c}"/>`;
  return `<g>${title}${shape}</g>`;
}

export function timelineSvg(run: ScenarioRun): string {
  const { summary } = run;
  const events = run.events;
  const faultAt = Date.parse(summary.faultAt);
  const first = Math.min(faultAt, ...events.map((e) => e.at));
  const last = Math.max(faultAt, ...events.map((e) => e.at));
  const step = tickStep(last - first + 1);
  const t0 = Math.floor(first / step) * step;
  const t1 = Math.ceil((last + 1) / step) * step;
  const x = (at: number) => Math.round((LEFT + ((at - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT)) * 10) / 10;
  const laneY = (kind: EventKind) => TOP + LANES.findIndex((l) => l.kind === kind) * LANE_H + LANE_H / 2;
  const axisY = TOP + LANES.length * LANE_H;
  const out: string[] = [];

  // the fault window: from the first fault to the last one (the fault healed), else to the end
  const faults = events.filter((e) => e.kind === 'fault');
  const faultEnd = faults.length > 1 ? faults[faults.length - 1].at : t1;
  out.push(`<rect x="${x(faultAt)}" y="${TOP}" width="${Math.max(1, x(faultEnd) - x(faultAt))}" height="${LANES.length * LANE_H}" fill="#f3e5f5"/>`);
  LANES.forEach((lane, i) => {
    const y = TOP + i * LANE_H;
    out.push(`<line x1="${LEFT}" y1="${y + LANE_H}" x2="${WIDTH - RIGHT}" y2="${y + LANE_H}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${LEFT - 10}" y="${y + LANE_H / 2 + 4}" text-anchor="end" font-size="12">${lane.title}</text>`);
  });
  for (let t = t0; t <= t1; t += step) {
    out.push(`<line x1="${x(t)}" y1="${TOP}" x2="${x(t)}" y2="${axisY + 5}" stroke="#bdbdbd" stroke-dasharray="2,3"/>`);
    out.push(`<text x="${x(t)}" y="${axisY + 18}" text-anchor="middle" font-size="11">${hhmm(t)}</text>`);
  }
  out.push(`<text x="${LEFT}" y="${axisY + 34}" font-size="11" fill="#555">service clock (UTC), ${summary.faultAt.slice(0, 10)}; production timings, time skipped by the test service</text>`);

  // numbered markers; events at the same spot in a lane are stacked slightly
  const seen = new Map<string, number>();
  events.forEach((e, i) => {
    const key = `${e.kind}:${Math.round(x(e.at) / 6)}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const px = x(e.at) + k * 4;
    out.push(marker(e, px, laneY(e.kind), i + 1));
    if (k === 0) out.push(`<text x="${px}" y="${laneY(e.kind) - 10}" text-anchor="middle" font-size="9" fill="#333">${i + 1}</text>`);
  });

  // measured intervals from the fault
  const brackets: [string, number | undefined][] = [
    ['detect', summary.detectMs],
    ['critical alert', summary.criticalAlertMs],
    ['RTO', summary.rtoMs],
    ['switch-back', summary.switchBackMs],
  ];
  let by = axisY + 50;
  for (const [name, ms] of brackets) {
    if (ms === undefined) continue;
    out.push(`<line x1="${x(faultAt)}" y1="${by}" x2="${x(faultAt + ms)}" y2="${by}" stroke="#6a1b9a" stroke-width="2"/>`);
    out.push(`<text x="${x(faultAt + ms) + 6}" y="${by + 4}" font-size="11">${esc(`${name} ${formatDuration(ms)}`)}</text>`);
    by += 16;
  }

  // objectives and the numbered event list
  let y = by + 16;
  out.push(`<text x="20" y="${y}" font-size="13" font-weight="bold">objectives</text>`);
  for (const o of summary.objectives) {
    y += LINE_H;
    const value = o.value === undefined ? 'never' : o.name.startsWith('RPO') ? `${o.value} rows` : formatDuration(o.value);
    out.push(`<text x="20" y="${y}" font-size="12" fill="${o.met ? '#2e7d32' : '#c62828'}">${o.met ? '✔ met' : '✘ missed'} · ${esc(`${o.name}: ${value} (${o.limit})`)}</text>`);
  }
  y += LINE_H * 1.5;
  out.push(`<text x="20" y="${y}" font-size="13" font-weight="bold">events</text>`);
  events.forEach((e, i) => {
    y += LINE_H;
    const level = e.level ? ` [${e.level}]` : '';
    const text = `${i + 1}. ${new Date(e.at).toISOString().slice(11, 19)} (${offset(e.at - faultAt)}) ${e.kind}${level} ${e.label}`;
    out.push(`<text x="20" y="${y}" font-size="11" fill="${colourOf(e)}">${esc(text.slice(0, 190))}</text>`);
  });
  const height = y + 20;
  const title = `drill ${summary.scenario}: ${summary.passed ? 'every objective met' : 'objectives missed'}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="30" font-size="18" font-weight="bold">${esc(title)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
