/**
 * The main job's run of today's ACODE and Radar syncs: starts both (or joins
 * runs already started today), shows progress while they run — per stream rows
 * done of the total, rate and time left, as `orchestrator watch` shows them
 * (client/watch.ts): bars on a terminal, else every 5 s a plain line per stream
 * in flight and one per finished stream — and prints the summary per stream:
 * rows, files, bytes, duration, quality score, S3 path.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { ClientSettings } from '../client/connection';
import { planStart, startPlanned } from '../client/workflow-starts';
import { ProgressTracker } from '../client/progress-format';
import { readRunProgress } from '../client/stream-progress';
import { plainDisplay, barDisplay, type ProgressDisplay } from '../client/watch';
import type { AcodeDailySyncResult } from '../workflows/acode-daily-sync';
import type { RadarDailySyncResult } from '../workflows/radar-daily-sync';

export interface DailyRunOutcome {
  acode?: AcodeDailySyncResult;
  radar?: RadarDailySyncResult;
  errors: string[];
}

async function startOrJoin(client: Client, settings: ClientSettings, workflowType: 'acodeDailySync' | 'radarDailySync', input: object): Promise<WorkflowHandle> {
  const plan = planStart(workflowType, input);
  try {
    const started = await startPlanned(client, settings, plan);
    return client.workflow.getHandle(started.workflowId, started.runId);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle(plan.workflowId);
  }
}

export interface ProgressOptions {
  /** A terminal to draw the bars on (redacting, see client/watch.ts); without it, plain lines through `log`. */
  terminal?: NodeJS.WriteStream;
  /** How often the runs are read (default 5 s for plain lines, 1 s with bars). */
  intervalMs?: number;
}

export async function runTodaysSyncs(
  client: Client,
  settings: ClientSettings,
  log: (line: string) => void,
  engine: 'direct' | 'airbyte' = 'direct',
  progress: ProgressOptions = {},
): Promise<DailyRunOutcome> {
  const acode = await startOrJoin(client, settings, 'acodeDailySync', { engine });
  const radar = await startOrJoin(client, settings, 'radarDailySync', { engine });
  log(`started ${acode.workflowId} and ${radar.workflowId}`);

  const outcome: DailyRunOutcome = { errors: [] };
  const settle = <T>(p: Promise<T>, name: string, keep: (r: T) => void) =>
    p.then(keep, (err: Error) => outcome.errors.push(`${name}: ${err.cause instanceof Error ? err.cause.message : err.message}`));
  const finished = Promise.all([
    settle(acode.result() as Promise<AcodeDailySyncResult>, acode.workflowId, (r) => (outcome.acode = r)),
    settle(radar.result() as Promise<RadarDailySyncResult>, radar.workflowId, (r) => (outcome.radar = r)),
  ]);
  const started = Date.now();
  const display: ProgressDisplay = progress.terminal
    ? barDisplay(progress.terminal)
    : plainDisplay((line) => log(`… ${((Date.now() - started) / 1000).toFixed(0)} s: ${line}`));
  const tracker = new ProgressTracker();
  const look = async () => {
    try {
      const runs = await Promise.all([readRunProgress(client, acode.workflowId), readRunProgress(client, radar.workflowId)]);
      display.show(tracker.update(runs.flatMap((r) => r.streams), Date.now()));
    } catch {
      // a reading that fails (the service busy) shows nothing this time
    }
  };
  let reading: Promise<void> | undefined;
  const ticker = setInterval(() => {
    reading ??= look().finally(() => (reading = undefined));
  }, progress.intervalMs ?? (progress.terminal ? 1000 : 5000));
  try {
    await finished;
  } finally {
    clearInterval(ticker);
    await reading;
    // one last look: every stream that finished since the last one is shown before the summary
    await look();
    display.stop();
  }
  return outcome;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatSummary(outcome: DailyRunOutcome): string {
  const lines: string[] = [];
  if (outcome.acode) {
    const a = outcome.acode;
    lines.push(`ACODE ${a.date} from ${a.source} (${a.engine}): quality ${a.qualityScore.toFixed(1)}, ${secs(a.durationMs)}`);
    for (const s of a.streams) {
      const quality = s.qualityScore === null ? '-' : s.qualityScore.toFixed(1);
      lines.push(`  ${s.stream}: ${s.rows} rows${s.bound ? ` (${s.bound})` : ''}, ${s.files} files, ${mb(s.bytes)}, ${secs(s.durationMs)}, quality ${quality}, ${s.location}`);
    }
  }
  if (outcome.radar) {
    const r = outcome.radar;
    const synced = r.tables.filter((t) => t.status === 'synced').length;
    lines.push(`Radar ${r.date} (${r.engine}): ${r.outcome}, ${synced}/${r.tables.length} tables, ${r.totalRows} rows, ${mb(r.totalBytes)}, ${secs(r.durationMs)}`);
    for (const t of r.tables.filter((t) => t.critical || t.status !== 'synced')) {
      lines.push(`  ${t.table}${t.critical ? ' (critical)' : ''}: ${t.status}, ${t.rows} rows, ${t.files} files, ${mb(t.bytes)}${t.error ? `, ${t.error}` : ''}`);
    }
  }
  for (const e of outcome.errors) lines.push(`FAILED ${e}`);
  return lines.join('\n');
}

export function succeeded(outcome: DailyRunOutcome): boolean {
  return outcome.errors.length === 0 && Boolean(outcome.acode) && outcome.radar?.outcome === 'success';
}
