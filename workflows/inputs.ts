/**
 * Validation of workflow inputs: each workflow takes one JSON object (what a
 * person pastes into the Temporal UI's start form), with defaults. Malformed
 * input is refused before any activity runs with a non-retryable
 * ApplicationFailure of type 'invalid_input' whose message names the field.
 * Pure: the CLI validates with the same functions before starting anything.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, isFailureType, type FailureType } from '../config/failures';
import { ACODE_STREAMS, parseIngestionDate, type SourceRole, type SyncEngine, type SystemName } from '../config/pipelines';
import { resolveTimings, type Timings } from './timings';

export const INVALID_INPUT = 'invalid_input';

/** Throws the invalid-input failure for one field. */
export function invalidInput(workflow: string, field: string, problem: string): never {
  throw ApplicationFailure.nonRetryable(`${workflow} input: ${field}: ${problem}`, INVALID_INPUT);
}

type Raw = Record<string, unknown>;

function asObject(workflow: string, input: unknown): Raw {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) invalidInput(workflow, 'input', 'expected one JSON object');
  return input as Raw;
}

function refuseUnknownFields(workflow: string, raw: Raw, known: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) invalidInput(workflow, key, `unknown field (known: ${known.join(', ')})`);
  }
}

function oneOf<T extends string>(workflow: string, raw: Raw, field: string, allowed: readonly T[], fallback?: T): T {
  const value = raw[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalidInput(workflow, field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function dateField(workflow: string, raw: Raw, field: string, today: string | undefined): string {
  const value = raw[field];
  if (value === undefined && today !== undefined) return today;
  try {
    return parseIngestionDate(value);
  } catch (err) {
    return invalidInput(workflow, field, (err as Error).message);
  }
}

function optionalBoolean(workflow: string, raw: Raw, field: string, fallback: boolean): boolean {
  const value = raw[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidInput(workflow, field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function optionalText(workflow: string, raw: Raw, field: string, maxLength = 500): string | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) invalidInput(workflow, field, `expected text of at most ${maxLength} characters`);
  return value;
}

function timingsField(workflow: string, raw: Raw): Timings {
  try {
    return resolveTimings(raw.timings);
  } catch (err) {
    return invalidInput(workflow, 'timings', (err as Error).message.replace(/^timings\.?/, '').replace(/^: /, ''));
  }
}

/** A MySQL identifier as the seeds use them: letters, digits, underscore; anything else may carry SQL. */
const TABLE_NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A list of table names, each a plain identifier and (when `known` is given) one of the known tables. */
export function tableList(workflow: string, raw: Raw, field: string, known?: readonly string[]): string[] | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) invalidInput(workflow, field, 'expected a non-empty list of table names');
  const seen = new Set<string>();
  value.forEach((name, i) => {
    if (typeof name !== 'string' || !TABLE_NAME_RE.test(name)) {
      invalidInput(workflow, `${field}[${i}]`, `not a table name: ${JSON.stringify(String(name).slice(0, 80))}`);
    }
    if (known && !known.includes(name)) invalidInput(workflow, `${field}[${i}]`, `unknown table ${name}`);
    if (seen.has(name)) invalidInput(workflow, `${field}[${i}]`, `table ${name} listed twice`);
    seen.add(name);
  });
  return value as string[];
}

const SYSTEMS: readonly SystemName[] = ['acode', 'radar'];
const SOURCES: readonly SourceRole[] = ['primary', 'backup'];
const ENGINES: readonly SyncEngine[] = ['direct', 'airbyte'];
export const ACODE_STREAM_NAMES = ACODE_STREAMS.map((s) => s.name);

// ---------- acodeDailySync ----------

export interface AcodeDailySyncInput {
  date?: string;
  source?: SourceRole;
  engine?: SyncEngine;
  streams?: string[];
  /** Start recovery when the sync fails (default true; recovery's own syncs turn it off). */
  recoverOnFailure?: boolean;
  timings?: Partial<Record<keyof Timings, unknown>>;
}
export interface AcodeDailySyncParams {
  date: string;
  source: SourceRole;
  engine: SyncEngine;
  streams: string[];
  recoverOnFailure: boolean;
  timings: Timings;
}

export function parseAcodeDailySyncInput(input: unknown, today: string): AcodeDailySyncParams {
  const wf = 'acodeDailySync';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['date', 'source', 'engine', 'streams', 'recoverOnFailure', 'timings']);
  return {
    date: dateField(wf, raw, 'date', today),
    source: oneOf(wf, raw, 'source', SOURCES, 'primary'),
    engine: oneOf(wf, raw, 'engine', ENGINES, 'direct'),
    streams: tableList(wf, raw, 'streams', ACODE_STREAM_NAMES) ?? [...ACODE_STREAM_NAMES],
    recoverOnFailure: optionalBoolean(wf, raw, 'recoverOnFailure', true),
    timings: timingsField(wf, raw),
  };
}

// ---------- radarDailySync ----------

export interface RadarDailySyncInput {
  date?: string;
  engine?: SyncEngine;
  tables?: string[];
  recoverOnFailure?: boolean;
  timings?: Partial<Record<keyof Timings, unknown>>;
}
export interface RadarDailySyncParams {
  date: string;
  engine: SyncEngine;
  /** Undefined: every table of the source. */
  tables?: string[];
  recoverOnFailure: boolean;
  timings: Timings;
}

export function parseRadarDailySyncInput(input: unknown, today: string, knownTables?: readonly string[]): RadarDailySyncParams {
  const wf = 'radarDailySync';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['date', 'engine', 'tables', 'recoverOnFailure', 'timings']);
  return {
    date: dateField(wf, raw, 'date', today),
    engine: oneOf(wf, raw, 'engine', ENGINES, 'direct'),
    tables: tableList(wf, raw, 'tables', knownTables),
    recoverOnFailure: optionalBoolean(wf, raw, 'recoverOnFailure', true),
    timings: timingsField(wf, raw),
  };
}

// ---------- healthMonitor ----------

export interface HealthMonitorInput {
  system: SystemName;
  engine?: SyncEngine;
  timings?: Partial<Record<keyof Timings, unknown>>;
  /** Carried over by continue-as-new; not for people to set. */
  carriedState?: unknown;
}
export interface HealthMonitorParams {
  system: SystemName;
  engine: SyncEngine;
  timings: Timings;
  rawTimings?: unknown;
  carriedState?: unknown;
}

export function parseHealthMonitorInput(input: unknown): HealthMonitorParams {
  const wf = 'healthMonitor';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['system', 'engine', 'timings', 'carriedState']);
  return {
    system: oneOf(wf, raw, 'system', SYSTEMS),
    engine: oneOf(wf, raw, 'engine', ENGINES, 'direct'),
    timings: timingsField(wf, raw),
    rawTimings: raw.timings,
    carriedState: raw.carriedState,
  };
}

// ---------- recovery ----------

export interface RecoveryInput {
  system: SystemName;
  failureType: FailureType;
  date?: string;
  reason?: string;
  engine?: SyncEngine;
  timings?: Partial<Record<keyof Timings, unknown>>;
}
export interface RecoveryParams {
  system: SystemName;
  failureType: FailureType;
  date: string;
  reason?: string;
  engine: SyncEngine;
  timings: Timings;
  rawTimings?: unknown;
}

export function parseRecoveryInput(input: unknown, today: string): RecoveryParams {
  const wf = 'recovery';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['system', 'failureType', 'date', 'reason', 'engine', 'timings']);
  const failureType = raw.failureType;
  if (!isFailureType(failureType)) {
    invalidInput(wf, 'failureType', `expected one of ${FAILURE_TYPES.join(', ')}, got ${JSON.stringify(failureType)}`);
  }
  return {
    system: oneOf(wf, raw, 'system', SYSTEMS),
    failureType,
    date: dateField(wf, raw, 'date', today),
    reason: optionalText(wf, raw, 'reason'),
    engine: oneOf(wf, raw, 'engine', ENGINES, 'direct'),
    timings: timingsField(wf, raw),
    rawTimings: raw.timings,
  };
}

// ---------- reconciliation ----------

export interface ReconciliationInput {
  system: SystemName;
  date: string;
  streams?: string[];
}
export interface ReconciliationParams {
  system: SystemName;
  date: string;
  streams?: string[];
}

export function parseReconciliationInput(input: unknown): ReconciliationParams {
  const wf = 'reconciliation';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['system', 'date', 'streams']);
  const system = oneOf(wf, raw, 'system', SYSTEMS);
  return {
    system,
    date: dateField(wf, raw, 'date', undefined),
    streams: tableList(wf, raw, 'streams', system === 'acode' ? ACODE_STREAM_NAMES : undefined),
  };
}

// ---------- operator decision ----------

export const DECISION_ACTIONS = ['retry_primary', 'use_backup', 'restore', 'abort'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];
export interface OperatorDecision {
  action: DecisionAction;
  operator: string;
  note?: string;
}

export function parseOperatorDecision(input: unknown): OperatorDecision {
  const wf = 'operatorDecision';
  const raw = asObject(wf, input);
  refuseUnknownFields(wf, raw, ['action', 'operator', 'note']);
  const action = oneOf(wf, raw, 'action', DECISION_ACTIONS);
  const operator = raw.operator;
  if (typeof operator !== 'string' || operator.trim() === '' || operator.length > 100) {
    invalidInput(wf, 'operator', 'expected the name of the person deciding');
  }
  return { action, operator, note: optionalText(wf, raw, 'note') };
}
