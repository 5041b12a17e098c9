/**
 * The main job.
 *   npm start                 embedded stack where nothing outside is configured, the worker,
 *                             the schedules and health monitors, today's ACODE and Radar syncs
 *                             with a summary; then keeps serving until Ctrl-C.
 *   npm start -- --once       the same, then exits 0 when both syncs succeeded, non-zero otherwise.
 *   node dist/worker/main.js --serve
 *                             the worker only, against configured services (the container).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { connectClient } from '../client/connection';
import { redactingStream } from '../client/watch';
import { applyDailySchedules } from '../client/schedules';
import { ensureHealthMonitors } from '../client/workflow-starts';
import { loadEnvConfig, wantsEmbeddedStack, type EnvConfig } from '../config/env';
import { startEmbeddedStack, type EmbeddedStack } from '../local/embedded-stack';
import { createIngestionWorker } from './worker';
import { formatSummary, runTodaysSyncs, succeeded } from './daily-run';
import { createServiceLogging, logFormatFrom, redactText, secretValues, type ServiceLogging } from './logging';
import { createIngestionMetrics, freeLocalPort, startMetricsServer, type MetricsServer } from './metrics';

/** Lines written outside the structured logger (progress, the summary, a fatal error) redacted as the logger redacts. */
const print = (text: string) => console.log(redactText(text, secretValues()));
const printError = (text: string) => console.error(redactText(text, secretValues()));

let log = (line: string) => print(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/**
 * Structured logs for the SDK (and for the job's progress lines with LOG_FORMAT=json), and the
 * Temporal runtime's Prometheus exporter on a private port when METRICS_PORT is set. Once per process.
 */
async function installRuntime(config: EnvConfig, serve: boolean): Promise<{ logging: ServiceLogging; runtimeMetricsUrl?: string }> {
  const metricsPort = config.METRICS_PORT;
  // The main job reads as a report (pretty unless LOG_FORMAT=json); the served worker follows the terminal.
  // Readable logs keep the SDK quiet below WARN unless LOG_LEVEL says otherwise; JSON logs keep INFO.
  const format = serve || config.LOG_FORMAT ? logFormatFrom(config.LOG_FORMAT) : 'pretty';
  const level = config.LOG_LEVEL ?? (format === 'json' ? 'info' : 'warn');
  const logging = createServiceLogging({ format, level });
  const runtimePort = metricsPort === undefined ? undefined : await freeLocalPort();
  Runtime.install({
    logger: logging.temporalLogger,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }), forward: {} },
      ...(runtimePort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${runtimePort}`, countersTotalSuffix: true, useSecondsForDurations: true } } } : {}),
    },
  });
  log = logging.format === 'json' ? (line) => logging.logger.info(line) : log;
  return { logging, runtimeMetricsUrl: runtimePort ? `http://127.0.0.1:${runtimePort}/metrics` : undefined };
}

function parseCli() {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      serve: { type: 'boolean', default: false },
      rows: { type: 'string', default: '20000' },
      'data-dir': { type: 'string', default: path.resolve('.local-data') },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows: expected a positive integer, got ${JSON.stringify(values.rows)}`);
  return { once: values.once ?? false, serve: values.serve ?? false, rows, dataDir: values['data-dir'] as string };
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

async function main(): Promise<number> {
  const cli = parseCli();
  let config = loadEnvConfig();
  const { runtimeMetricsUrl, logging } = await installRuntime(config, cli.serve);
  const metrics = createIngestionMetrics();
  let metricsServer: MetricsServer | undefined;
  if (config.METRICS_PORT !== undefined) {
    metricsServer = await startMetricsServer({ metrics, port: config.METRICS_PORT, runtimeMetricsUrl });
    log(`metrics on :${metricsServer.port}/metrics`);
  }
  let stack: EmbeddedStack | undefined;
  if (!cli.serve && wantsEmbeddedStack(config)) {
    log(`no outside services configured: starting the embedded stack in ${cli.dataDir}`);
    stack = await startEmbeddedStack({
      dataDir: cli.dataDir, temporal: !config.temporal.addressConfigured, acodeFiscalRows: cli.rows, log,
      ui: { host: config.TEMPORAL_UI_HOST, port: config.TEMPORAL_UI_PORT },
    });
    if (stack.ui) log(`Temporal UI at ${stack.ui.url}`);
    config = loadEnvConfig(process.env, stack.endpoints);
  }
  const ingestion = await createIngestionWorker(config, log, { metrics });
  const running = ingestion.worker.run();
  log(`worker polling ${config.temporal.taskQueue} on ${config.temporal.address} (namespace ${config.temporal.namespace})`);

  let exitCode = 0;
  const stop = async () => {
    // On SIGINT/SIGTERM the SDK runtime has already begun draining the worker; shut it down only if it still runs.
    if (ingestion.worker.getState() === 'RUNNING') ingestion.worker.shutdown();
    await running.catch((err) => log(`worker stopped with an error: ${err.message}`));
    await ingestion.close();
    await metricsServer?.close();
    await stack?.shutdown();
  };
  try {
    if (!cli.serve) {
      const { client, settings, close } = await connectClient(config.temporal);
      try {
        for (const s of await applyDailySchedules(client, settings, config.SYNC_ENGINE)) log(`schedule ${s.scheduleId} ${s.action} (daily 02:00 UTC)`);
        for (const m of await ensureHealthMonitors(client, settings)) log(`health monitor ${m.workflowId} running`);
        // progress bars for a person at a terminal; plain lines in a pipe, a log or with LOG_FORMAT=json
        const terminal = process.stdout.isTTY && logging.format !== 'json' ? redactingStream(process.stdout, (t) => redactText(t, secretValues())) : undefined;
        const outcome = await runTodaysSyncs(client, settings, log, config.SYNC_ENGINE, { terminal });
        print(`\nSummary\n${formatSummary(outcome)}\n`);
        if (stack?.ui) print(`Temporal UI: ${stack.ui.url}\n`);
        exitCode = succeeded(outcome) ? 0 : 1;
      } finally {
        await close();
      }
    }
    if (!cli.once) {
      log('serving; Ctrl-C to stop');
      log(`stopping on ${await untilSignal()}`);
    }
  } finally {
    await stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    printError(`main job failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
