/**
 * Structured logs of the worker: one JSON object per line (LOG_FORMAT=json) or
 * a readable line (LOG_FORMAT=pretty, the default on a TTY), through pino.
 *
 * The Temporal SDK's own logs (worker lifecycle, activity and workflow
 * loggers) reach it through `temporalLogger`, given to Runtime.install; their
 * attributes are renamed to workflowId, runId, activityType and attempt.
 *
 * Secrets are redacted twice: any key that names a secret (password, token,
 * apiKey, routingKey, authorization…) has its value replaced, and the value
 * of every environment variable whose name marks it as a secret (*_PASS,
 * *PASSWORD*, *SECRET*, *TOKEN*, *API_KEY*, *ROUTING_KEY*, *WEBHOOK*: Slack
 * webhook URLs are credentials), and the password of any URL with
 * credentials in the environment, is replaced by [redacted] wherever it
 * appears in the written line. Paths (*_FILE, *_PATH) are not secrets.
 * Lines written outside pino (fatal errors) go through redactText too.
 */
import { Writable } from 'node:stream';
import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export const REDACTED = '[redacted]';
export type LogFormat = 'json' | 'pretty';

const SECRET_ENV_NAME = /(_PASS$|PASSWORD|SECRET|TOKEN|API_KEY|ROUTING_KEY|WEBHOOK)/i;
const PATH_ENV_NAME = /(_FILE|_PATH)$/i;
const SECRET_KEY = /(pass(word|wd)?$|secret|token|api_?key|routing_?key|authorization|credential|private_?key|webhook)/i;
/** Values shorter than this are not searched for: a 2-character "secret" would blank half the log. */
const MIN_SECRET_LENGTH = 4;

/** The values of the environment variables that hold secrets, longest first. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  const add = (value: string) => {
    if (value.length >= MIN_SECRET_LENGTH) values.add(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_ENV_NAME.test(name) && !PATH_ENV_NAME.test(name)) add(value);
    for (const password of urlPasswords(value)) add(password);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** The password of a URL with credentials (scheme://user:password@host), as written and decoded. */
function urlPasswords(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return [];
  try {
    const password = new URL(value).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/** Replaces every occurrence of each secret (raw, and as it appears inside a JSON string) by [redacted]. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    out = out.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/** A copy of `value` with every property whose key names a secret replaced, at any depth. */
export function redactKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redactKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null ? REDACTED : redactKeys(v, depth + 1);
  }
  return out;
}

/** LOG_FORMAT as configured (config/env.ts validates it), else readable lines on a terminal and JSON elsewhere. */
export function logFormatFrom(configured: LogFormat | undefined, isTty = Boolean(process.stdout.isTTY)): LogFormat {
  return configured ?? (isTty ? 'pretty' : 'json');
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One JSON log line → `HH:MM:SS LEVEL message key=value …`. */
export function prettyLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine);
  } catch {
    return jsonLine;
  }
  const { time, level, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const clock = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `[${clock}] ${(LEVEL_NAMES[level as number] ?? String(level)).padEnd(5)} ${msg ?? ''}${fields ? `  ${fields}` : ''}\n`;
}

/**
 * The stream pino writes to: redacts secret values in each line, then formats it.
 * The secrets are read at each line, so those set after start-up (the embedded stack's) are covered.
 */
function redactingStream(out: { write(text: string): unknown }, format: LogFormat, secrets: () => readonly string[]): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, done) {
      const text = redactText(chunk.toString(), secrets());
      out.write(format === 'pretty' ? text.split('\n').filter(Boolean).map(prettyLine).join('') : text);
      done();
    },
  });
}

export interface LoggingOptions {
  format?: LogFormat;
  level?: string;
  env?: NodeJS.ProcessEnv;
  /** Where lines go; process.stdout by default. */
  out?: { write(text: string): unknown };
}

export interface ServiceLogging {
  logger: PinoLogger;
  /** For Runtime.install({ logger }): the SDK's worker, activity and workflow logs, with Temporal's attributes renamed. */
  temporalLogger: TemporalLogger;
  format: LogFormat;
}

/** Temporal's attribute names → ours; the task token is left out (it is a capability, not context). */
export function temporalAttributes(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const { workflowRunId, runId, taskToken: _token, sdkComponent, ...rest } = meta as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (workflowRunId !== undefined || runId !== undefined) out.runId = workflowRunId ?? runId;
  if (sdkComponent !== undefined) out.component = sdkComponent;
  return redactKeys(out) as Record<string, unknown>;
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function createServiceLogging(options: LoggingOptions = {}): ServiceLogging {
  const env = options.env ?? process.env;
  const format = options.format ?? logFormatFrom(undefined);
  const level = options.level ?? 'info';
  if (!(level in pino.levels.values)) throw new Error(`invalid configuration: LOG_LEVEL: unknown level ${JSON.stringify(level)}`);
  const stream = redactingStream(options.out ?? process.stdout, format, () => secretValues(env));
  const logger = pino(
    {
      level,
      base: undefined,
      formatters: { log: (object) => redactKeys(object) as Record<string, unknown> },
      serializers: { err: (err: unknown) => redactKeys(err) },
    },
    stream,
  );
  const emit = (lvl: LogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVEL[lvl]](temporalAttributes(meta), message);
  const temporalLogger: TemporalLogger = {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
  return { logger, temporalLogger, format };
}
