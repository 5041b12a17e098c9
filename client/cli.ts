/**
 * The `orchestrator` CLI (npm run orchestrator -- <command>):
 *   start <workflow> --input '<json>'        same JSON as the Temporal UI's start form
 *   signal decision <workflowId> --action retry_primary|use_backup|restore|abort --operator <name> [--note <text>]
 *   signal pause|resume|checkNow <workflowId> a health monitor
 *   query <workflowId>                       health state, recovery progress or result
 *   list [--type <workflow>] [--limit N]
 *   schedules apply [--engine direct|airbyte] daily schedules at 02:00 UTC and the health monitors
 *   alert <file.json|->                      an Alertmanager or DataDog alert → recovery (same rules as the intake, no rate limit)
 *   serve-alerts [--port 8080] [--host 127.0.0.1]  the HTTP alert intake (POST /alerts; ALERT_INTAKE_* settings;
 *                                            a host other than loopback needs ALERT_INTAKE_TOKEN or ALERT_INTAKE_TOKEN_FILE)
 *   status [--format json|text]              SLA view: freshness, last success, success rate 7/30 d, failovers
 *   lake-ddl [--system acode|radar] [--format athena|spark]  readers' CREATE EXTERNAL TABLE from the lake contract (SQL, not JSON)
 *   watch <workflowId> [--every <seconds>]   per-stream rows done, rate and time left until the run closes: bars on a
 *                                            terminal, plain lines otherwise (or LOG_FORMAT=json); exit 0 if it completed
 * Output is JSON on stdout (lake-ddl: SQL; watch: progress lines); an error is one line on stderr and exit code 1.
 * Both go through the log redaction (worker/logging.ts), as every log path does.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { alertIntakeToken, bucketNames, loadEnvConfig, sourceEndpoints } from '../config/env';
import { createMysqlSources } from '../activities/mysql/mysql-sources';
import { discoverColumns } from '../activities/engine/extract-columns';
import { lakeDdlText, type DiscoverColumns } from './lake-ddl';
import type { SyncEngine } from '../config/pipelines';
import { redactText, secretValues } from '../worker/logging';
import { checkNowSignal, pauseSignal, resumeSignal } from '../workflows/messages';
import { isLoopbackHost } from './alert-auth';
import { createAlertIntake, intakeLimitsFrom } from './alert-intake';
import { startRecoveriesForAlerts } from './alert-recovery';
import { connectClient, type OrchestratorClient } from './connection';
import { describeWorkflow, listWorkflows, sendOperatorDecision } from './operator-commands';
import { applyDailySchedules } from './schedules';
import { formatSla } from './sla';
import { readSlaStatus } from './status';
import { watchWorkflow, redactingStream } from './watch';
import { ensureHealthMonitors, planStart, startPlanned } from './workflow-starts';
import { SYSTEMS } from '../config/pipelines';

export interface CliIo {
  connect: () => Promise<OrchestratorClient>;
  out: (text: string) => void;
  err: (text: string) => void;
  readInput: (path: string) => string;
  /** The environment the configuration is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Reads a stream's columns from its source, for lake-ddl's discovered streams. */
  discover?: DiscoverColumns;
  /** The terminal `watch` draws its progress bars on; without it, plain lines through `out`. */
  terminal?: NodeJS.WriteStream;
}

/** Health monitor signals by name, own entries only (a name such as "constructor" is unknown). */
const MONITOR_SIGNALS = new Map<string, typeof pauseSignal | typeof resumeSignal | typeof checkNowSignal>([
  ['pause', pauseSignal],
  ['resume', resumeSignal],
  ['checkNow', checkNowSignal],
]);

const USAGE = 'usage: orchestrator start|signal|query|list|schedules|alert|serve-alerts|status|lake-ddl|watch … (see client/cli.ts)';

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
}

function engineOption(value: string | undefined): SyncEngine {
  if (value === undefined || value === 'direct' || value === 'airbyte') return value ?? 'direct';
  throw new Error(`--engine: expected direct or airbyte, got ${JSON.stringify(value)}`);
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new Error(`missing ${what}; ${USAGE}`);
  return value;
}

const OPTIONS = {
  input: { type: 'string' },
  action: { type: 'string' },
  operator: { type: 'string' },
  note: { type: 'string' },
  type: { type: 'string' },
  limit: { type: 'string' },
  engine: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  format: { type: 'string' },
  system: { type: 'string' },
  every: { type: 'string' },
} as const;

/** Runs one command; returns the exit code (serve-alerts resolves only when its server closes). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let connection: OrchestratorClient | undefined;
  const open = async () => (connection ??= await io.connect());
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));
    switch (command) {
      case 'start': {
        const plan = planStart(need(rest[0], 'the workflow to start'), values.input ? parseJson(values.input, '--input') : {});
        const { client, settings } = await open();
        print(await startPlanned(client, settings, plan));
        return 0;
      }
      case 'signal': {
        const [name, workflowId] = [need(rest[0], 'the signal'), need(rest[1], 'the workflow id')];
        const signal = MONITOR_SIGNALS.get(name);
        if (name !== 'decision' && !signal) throw new Error(`unknown signal ${JSON.stringify(name.slice(0, 80))} (known: decision, pause, resume, checkNow)`);
        const { client } = await open();
        if (signal) {
          await client.workflow.getHandle(workflowId).signal(signal);
          print({ signalled: name, workflowId });
        } else {
          const answer = await sendOperatorDecision(client, workflowId, { action: values.action, operator: values.operator, ...(values.note ? { note: values.note } : {}) });
          print({ decided: answer.action, workflowId, next: answer.next });
        }
        return 0;
      }
      case 'query': {
        const { client } = await open();
        print(await describeWorkflow(client, need(rest[0], 'the workflow id')));
        return 0;
      }
      case 'list': {
        const limit = values.limit === undefined ? 50 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit: expected a positive integer, got ${JSON.stringify(values.limit)}`);
        const { client } = await open();
        print(await listWorkflows(client, values.type, limit));
        return 0;
      }
      case 'schedules': {
        if (rest[0] !== 'apply') throw new Error('usage: orchestrator schedules apply [--engine direct|airbyte]');
        const engine = engineOption(values.engine);
        const { client, settings } = await open();
        const schedules = await applyDailySchedules(client, settings, engine);
        const monitors = await ensureHealthMonitors(client, settings, SYSTEMS, { engine });
        print({ schedules, monitors });
        return 0;
      }
      case 'alert': {
        const source = need(rest[0], 'the alert file (or - for stdin)');
        const payload = parseJson(io.readInput(source), `alert ${source}`);
        const limits = intakeLimitsFrom(loadEnvConfig(io.env ?? process.env));
        const { client, settings } = await open();
        const result = await startRecoveriesForAlerts(client, settings, payload, { rules: limits });
        print(result);
        return result.status === 'done' ? 0 : 1;
      }
      case 'serve-alerts': {
        const port = values.port === undefined ? 8080 : Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected a port number, got ${JSON.stringify(values.port)}`);
        const env = io.env ?? process.env;
        const host = values.host ?? '127.0.0.1';
        const limits = intakeLimitsFrom(loadEnvConfig(env));
        const token = alertIntakeToken(env);
        if (!token && !isLoopbackHost(host)) {
          throw new Error(`serve-alerts: refusing to listen on ${host} without a secret: set ALERT_INTAKE_TOKEN or ALERT_INTAKE_TOKEN_FILE`);
        }
        const { client, settings } = await open();
        const intake = createAlertIntake({ client, settings, token, limits, log: (entry) => io.out(JSON.stringify(entry)) });
        const bound = await intake.listen(port, host);
        const closed = new Promise<void>((resolve) => intake.server.once('close', () => resolve()));
        const stop = () => void intake.close();
        process.once('SIGTERM', stop).once('SIGINT', stop);
        io.out(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'alert intake listening', host, port: bound, authentication: token ? 'secret' : 'none (loopback only)' }));
        await closed;
        process.off('SIGTERM', stop).off('SIGINT', stop);
        return 0;
      }
      case 'status': {
        const format = values.format ?? 'json';
        if (format !== 'json' && format !== 'text') throw new Error(`--format: expected json or text, got ${JSON.stringify(format)}`);
        const { client } = await open();
        const view = await readSlaStatus(client);
        if (format === 'text') io.out(formatSla(view));
        else print(view);
        return 0;
      }
      case 'lake-ddl': {
        const bucket = bucketNames(loadEnvConfig(io.env ?? process.env)).bronze;
        io.out(await lakeDdlText({ system: values.system, format: values.format, bucket, discover: io.discover }));
        return 0;
      }
      case 'watch': {
        const workflowId = need(rest[0], 'the workflow id');
        const every = values.every === undefined ? undefined : Number(values.every);
        if (every !== undefined && !(every > 0 && every <= 3600)) throw new Error(`--every: expected seconds (0 < s <= 3600), got ${JSON.stringify(values.every)}`);
        const { client } = await open();
        return await watchWorkflow({ client, workflowId, write: io.out, terminal: io.terminal, intervalMs: every === undefined ? undefined : every * 1000 });
      }
      default:
        throw new Error(command ? `unknown command ${JSON.stringify(command)}; ${USAGE}` : USAGE);
    }
  } catch (err) {
    io.err(`orchestrator: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
    return 1;
  } finally {
    await connection?.close();
  }
}

/** Discovery against the configured sources (primary role), one pool for the command's lifetime. */
function sourceDiscovery(): { discover: DiscoverColumns; close: () => Promise<void> } {
  let sources: ReturnType<typeof createMysqlSources> | undefined;
  return {
    discover: (system, stream) => {
      sources ??= createMysqlSources(sourceEndpoints(loadEnvConfig(process.env)));
      return discoverColumns(sources.pool({ system, role: 'primary' }), stream);
    },
    close: async () => {
      await sources?.close();
    },
  };
}

if (require.main === module) {
  const discovery = sourceDiscovery();
  runCli(process.argv.slice(2), {
    discover: discovery.discover,
    connect: () => connectClient(),
    out: (text) => console.log(redactText(text, secretValues())),
    err: (text) => console.error(redactText(text, secretValues())),
    readInput: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
    // bars only for a person at a terminal; a pipe, a log or LOG_FORMAT=json gets plain lines
    terminal: process.stdout.isTTY && process.env.LOG_FORMAT !== 'json' ? redactingStream(process.stdout, (t) => redactText(t, secretValues())) : undefined,
  })
    .then(async (code) => {
      await discovery.close();
      process.exitCode = code;
    });
}
