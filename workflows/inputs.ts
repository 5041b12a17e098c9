/**
 * Workflow inputs, declared once as zod schemas: each workflow takes one JSON
 * object (what a person pastes into the Temporal UI's start form), with
 * defaults. The workflows, the CLI and the alert intake parse with these same
 * functions, so malformed input is refused before any activity runs, with a
 * non-retryable `invalid_input` failure whose message names the field:
 * `acodeDailySync input: streams[0]: not a table name: "x; DROP TABLE y"`.
 * Pure: zod and config only.
 */
import { z } from 'zod';
import { FAILURE_TYPES, invalidInput as contractInvalidInput } from '../config/failures';
import { isIdentifier } from '../config/identifiers';
import { ACODE_STREAM_NAMES, SOURCE_ROLES, SYNC_ENGINES, SYSTEMS } from '../config/pipelines';
import { parseIngestionDate } from '../config/calendar';
import { resolveTimings, type Timings } from './timings';

/** Throws the invalid-input failure for one field of a workflow's input. */
export function invalidInput(workflow: string, field: string, problem: string): never {
  throw contractInvalidInput(`${workflow} input: ${field}: ${problem}`);
}

// ---------- field schemas ----------

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `expected one of ${values.join(', ')}, got ${JSON.stringify(issue.input)}` });

const refine =
  <T>(check: (value: unknown) => T) =>
  (value: unknown, ctx: z.RefinementCtx): T => {
    try {
      return check(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };

/** YYYY-MM-DD, a real calendar day. */
const ingestionDate = z.unknown().transform(refine(parseIngestionDate)) as unknown as z.ZodType<string, string>;

const text = (maxLength: number, what: string) =>
  z.string({ error: `expected ${what}` }).max(maxLength, { error: `expected ${what} of at most ${maxLength} characters` });

const flag = z.boolean({ error: (issue) => `expected true or false, got ${JSON.stringify(issue.input)}` });

export type TimingsInput = Partial<Record<keyof Timings, unknown>>;
/** Any subset of workflows/timings.ts, durations in ms or as '5m'; unknown names refused. */
const timings = z
  .custom<TimingsInput>(() => true)
  .optional()
  .transform(refine((value) => resolveTimings(value)));

/** A non-empty list of distinct plain table names; with `known`, each one of them. */
const tableList = (known?: readonly string[]) =>
  z
    .array(z.unknown(), { error: 'expected a non-empty list of table names' })
    .min(1, { error: 'expected a non-empty list of table names' })
    .superRefine((names, ctx) => {
      const seen = new Set<unknown>();
      names.forEach((name, i) => {
        const path = [i];
        if (!isIdentifier(name)) ctx.addIssue({ code: 'custom', path, message: `not a table name: ${JSON.stringify(String(name).slice(0, 80))}` });
        else if (known && !known.includes(name)) ctx.addIssue({ code: 'custom', path, message: `unknown table ${name}` });
        else if (seen.has(name)) ctx.addIssue({ code: 'custom', path, message: `table ${name} listed twice` });
        seen.add(name);
      });
    }) as unknown as z.ZodType<string[], string[]>;

// ---------- parsing ----------

function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** Parses with a schema; the first problem becomes the invalid-input failure naming its field. */
function parseInput<S extends z.ZodObject>(workflow: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    invalidInput(workflow, issue.keys[0], `unknown field (known: ${Object.keys(schema.shape).join(', ')})`);
  }
  if (issue.path.length === 0) invalidInput(workflow, 'input', 'expected one JSON object');
  const field = fieldOf(issue.path);
  // The timings resolver names its own sub-field ("healthCheckIntervalMs: expected …").
  invalidInput(workflow, field, issue.message.replace(/^timings\.?:? ?/, ''));
}

// ---------- acodeDailySync ----------

const acodeDailySyncSchema = z.strictObject({
  date: ingestionDate.optional(),
  source: oneOf(SOURCE_ROLES).default('primary'),
  engine: oneOf(SYNC_ENGINES).default('direct'),
  streams: tableList(ACODE_STREAM_NAMES).optional(),
  /** Start recovery when the sync fails (default true; recovery's own syncs turn it off). */
  recoverOnFailure: flag.default(true),
  timings,
});
export type AcodeDailySyncInput = z.input<typeof acodeDailySyncSchema>;
export type AcodeDailySyncParams = Omit<z.output<typeof acodeDailySyncSchema>, 'date' | 'streams'> & { date: string; streams: string[] };

export function parseAcodeDailySyncInput(input: unknown, today: string): AcodeDailySyncParams {
  const p = parseInput('acodeDailySync', acodeDailySyncSchema, input);
  return { ...p, date: p.date ?? today, streams: p.streams ?? [...ACODE_STREAM_NAMES] };
}

// ---------- radarDailySync ----------

const radarDailySyncFields = {
  date: ingestionDate.optional(),
  engine: oneOf(SYNC_ENGINES).default('direct'),
  /** Undefined: every table of the source. */
  tables: tableList().optional(),
  recoverOnFailure: flag.default(true),
  timings,
};
const radarDailySyncSchema = z.strictObject(radarDailySyncFields);
export type RadarDailySyncInput = z.input<typeof radarDailySyncSchema>;
export type RadarDailySyncParams = Omit<z.output<typeof radarDailySyncSchema>, 'date'> & { date: string };

export function parseRadarDailySyncInput(input: unknown, today: string, knownTables?: readonly string[]): RadarDailySyncParams {
  const schema = knownTables ? z.strictObject({ ...radarDailySyncFields, tables: tableList(knownTables).optional() }) : radarDailySyncSchema;
  const p = parseInput('radarDailySync', schema, input);
  return { ...p, date: p.date ?? today };
}

// ---------- healthMonitor ----------

const healthMonitorSchema = z.strictObject({
  system: oneOf(SYSTEMS),
  engine: oneOf(SYNC_ENGINES).default('direct'),
  timings,
  /** Carried over by continue-as-new; not for people to set. */
  carriedState: z.unknown().optional(),
});
export type HealthMonitorInput = z.input<typeof healthMonitorSchema>;
export type HealthMonitorParams = z.output<typeof healthMonitorSchema> & { rawTimings?: TimingsInput };

export function parseHealthMonitorInput(input: unknown): HealthMonitorParams {
  const p = parseInput('healthMonitor', healthMonitorSchema, input);
  return { ...p, rawTimings: (input as HealthMonitorInput | undefined)?.timings };
}

// ---------- recovery ----------

const recoverySchema = z.strictObject({
  system: oneOf(SYSTEMS),
  failureType: oneOf(FAILURE_TYPES),
  date: ingestionDate.optional(),
  reason: text(500, 'text').optional(),
  engine: oneOf(SYNC_ENGINES).default('direct'),
  timings,
});
export type RecoveryInput = z.input<typeof recoverySchema>;
export type RecoveryParams = Omit<z.output<typeof recoverySchema>, 'date'> & { date: string; rawTimings?: TimingsInput };

export function parseRecoveryInput(input: unknown, today: string): RecoveryParams {
  const p = parseInput('recovery', recoverySchema, input);
  return { ...p, date: p.date ?? today, rawTimings: (input as RecoveryInput | undefined)?.timings };
}

// ---------- reconciliation ----------

const reconciliationSchema = z.strictObject({
  system: oneOf(SYSTEMS),
  date: ingestionDate,
  streams: tableList().optional(),
});
export type ReconciliationInput = z.input<typeof reconciliationSchema>;
export type ReconciliationParams = z.output<typeof reconciliationSchema>;

export function parseReconciliationInput(input: unknown): ReconciliationParams {
  const p = parseInput('reconciliation', reconciliationSchema, input);
  if (p.system === 'acode' && p.streams) {
    const unknown = p.streams.findIndex((s) => !ACODE_STREAM_NAMES.includes(s));
    if (unknown >= 0) invalidInput('reconciliation', `streams[${unknown}]`, `unknown table ${p.streams[unknown]}`);
  }
  return p;
}

// ---------- operator decision ----------

export const DECISION_ACTIONS = ['retry_primary', 'use_backup', 'restore', 'abort'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

const operatorDecisionSchema = z.strictObject({
  action: oneOf(DECISION_ACTIONS),
  operator: z
    .string({ error: 'expected the name of the person deciding' })
    .refine((name) => name.trim() !== '' && name.length <= 100, { error: 'expected the name of the person deciding' }),
  note: text(500, 'text').optional(),
});
export type OperatorDecision = z.output<typeof operatorDecisionSchema>;

export function parseOperatorDecision(input: unknown): OperatorDecision {
  const { action, operator, note } = parseInput('operatorDecision', operatorDecisionSchema, input);
  return { action, operator, note };
}
