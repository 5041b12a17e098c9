import type { Enum, Field, Message, Type } from 'protobufjs';
import { invalidArgument } from './errors';
import { payloadFromJson, payloadToShorthand, type PayloadMessage } from './http-payloads';

/**
 * Proto3 JSON for Temporal's messages, as Temporal's HTTP API writes and reads it
 * (temporalproto's marshaler, protojson's mapping): lowerCamelCase names (original names
 * accepted too), unset and default fields left out, int64 as strings, enums by name, bytes
 * base64, Timestamp as RFC 3339, Duration as "1.5s", FieldMask as "a,b", and — unless the
 * caller turned it off — Temporal's payload shorthand (a json/plain payload is its JSON value).
 */
export interface JsonOptions {
  /** Temporal's payload shorthand (the HTTP API's default; off for `application/json+no-payload-shorthand`). */
  shorthand: boolean;
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const NUMBERS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float']);
const TIMESTAMP = 'google.protobuf.Timestamp';
const DURATION = 'google.protobuf.Duration';
const FIELD_MASK = 'google.protobuf.FieldMask';
const PAYLOAD = 'temporal.api.common.v1.Payload';
const PAYLOADS = 'temporal.api.common.v1.Payloads';

const fullName = (t: Type | Enum): string => t.fullName.replace(/^\./, '');
const screaming = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The field's message or enum type, resolved on first use (protobufjs resolves nested types lazily). */
function resolved(f: Field): Type | Enum | null {
  if (!f.resolved) f.resolve();
  return f.resolvedType;
}

function isEnum(f: Field): boolean {
  const t = resolved(f);
  return !!t && !('fieldsArray' in t);
}

function isMessage(f: Field): boolean {
  const t = resolved(f);
  return !!t && 'fieldsArray' in t;
}

// ---------- writing ----------

export function timestampToJson(seconds: number, nanos: number): string {
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return `${iso}${fraction(nanos)}Z`;
}

function fraction(nanos: number): string {
  if (!nanos) return '';
  const digits = String(nanos).padStart(9, '0');
  return '.' + (digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits);
}

export function durationToJson(seconds: number, nanos: number): string {
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function scalarToJson(f: Field, value: unknown): unknown {
  if (isEnum(f)) {
    const e = f.resolvedType as Enum;
    return e.valuesById[value as number] ?? value;
  }
  if (INT64.has(f.type)) return String(value);
  if (f.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if ((f.type === 'double' || f.type === 'float') && !Number.isFinite(value as number)) return String(value);
  return value;
}

function isDefault(f: Field, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (f.partOf) return false;
  if (isMessage(f)) return false;
  if (f.type === 'bytes') return (value as Uint8Array).length === 0;
  if (INT64.has(f.type)) return String(value) === '0';
  return value === 0 || value === '' || value === false;
}

function valueToJson(f: Field, value: unknown, options: JsonOptions): unknown {
  if (isMessage(f)) return messageToJson(f.resolvedType as Type, value as Message, options);
  return scalarToJson(f, value);
}

/** A decoded message as proto3 JSON. */
export function messageToJson(type: Type, message: Message, options: JsonOptions): unknown {
  const m = message as unknown as Record<string, unknown>;
  const name = fullName(type);
  if (name === TIMESTAMP) return timestampToJson(Number(m.seconds ?? 0), Number(m.nanos ?? 0));
  if (name === DURATION) return durationToJson(Number(m.seconds ?? 0), Number(m.nanos ?? 0));
  if (name === FIELD_MASK) return ((m.paths as string[]) ?? []).join(',');
  if (options.shorthand && name === PAYLOAD) {
    const short = payloadToShorthand(m as PayloadMessage);
    if (short.handled) return short.value;
  }
  if (options.shorthand && name === PAYLOADS) {
    const items = ((m.payloads as PayloadMessage[]) ?? []).map(payloadToShorthand);
    if (items.every((i) => i.handled)) return items.map((i) => i.value);
  }
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(m, f.name)) continue;
    const value = m[f.name];
    if (f.map) {
      const entries = Object.entries((value as Record<string, unknown>) ?? {});
      if (entries.length > 0) out[f.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(f, v, options)]));
    } else if (f.repeated) {
      const items = (value as unknown[]) ?? [];
      if (items.length > 0) out[f.name] = items.map((v) => valueToJson(f, v, options));
    } else if (!isDefault(f, value)) {
      out[f.name] = valueToJson(f, value, options);
    }
  }
  return out;
}

// ---------- reading ----------

export function timestampFromJson(text: unknown, where: string): { seconds: number; nanos: number } {
  const m = typeof text === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text) : null;
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw invalidArgument(`${where}: invalid google.protobuf.Timestamp value ${JSON.stringify(text)}`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

export function durationFromJson(text: unknown, where: string): { seconds: number; nanos: number } {
  const m = typeof text === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text) : null;
  if (!m) throw invalidArgument(`${where}: invalid google.protobuf.Duration value ${JSON.stringify(text)}`);
  const sign = m[1] ? -1 : 1;
  return { seconds: sign * Number(m[2]), nanos: sign * Number((m[3] ?? '').padEnd(9, '0')) };
}

function fieldByJsonName(type: Type, key: string): Field | undefined {
  return type.fields[key] ?? type.fields[camel(key)];
}

function scalarFromJson(f: Field, value: unknown, where: string, fromQuery: boolean): unknown {
  if (isEnum(f)) {
    const e = f.resolvedType as Enum;
    if (typeof value === 'string' && value in e.values) return e.values[value];
    // Temporal also reads its older enum spelling, the value without the prefix in PascalCase
    // (`AllowAll` for SCHEDULE_OVERLAP_POLICY_ALLOW_ALL), as Temporal's UI still sends some.
    const older = typeof value === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(value) ? `${screaming(e.name)}_${screaming(value)}` : undefined;
    if (older && older in e.values) return e.values[older];
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
    throw invalidArgument(`${where}: invalid value for enum ${fullName(e)}: ${JSON.stringify(value)}`);
  }
  if (f.type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (fromQuery && (value === 'true' || value === 'false')) return value === 'true';
    throw invalidArgument(`${where}: invalid value for bool field: ${JSON.stringify(value)}`);
  }
  if (INT64.has(f.type) || NUMBERS.has(f.type)) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) throw invalidArgument(`${where}: invalid value for ${f.type} field: ${JSON.stringify(value)}`);
    return INT64.has(f.type) && typeof value === 'string' ? value : n;
  }
  if (f.type === 'bytes') {
    if (typeof value !== 'string') throw invalidArgument(`${where}: invalid value for bytes field: ${JSON.stringify(value)}`);
    return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (typeof value !== 'string') throw invalidArgument(`${where}: invalid value for string field: ${JSON.stringify(value)}`);
  return value;
}

function valueFromJson(f: Field, value: unknown, where: string, options: JsonOptions, fromQuery: boolean): unknown {
  if (isMessage(f)) return messageFromJson(f.resolvedType as Type, value, where, options, fromQuery);
  return scalarFromJson(f, value, where, fromQuery);
}

/**
 * Proto3 JSON (or the query string's nested strings, `fromQuery`) as the plain object
 * protobufjs's `fromObject` takes. Unknown fields and values of the wrong kind are refused.
 */
export function messageFromJson(type: Type, json: unknown, where: string, options: JsonOptions, fromQuery = false): Record<string, unknown> {
  const name = fullName(type);
  if (name === TIMESTAMP) return timestampFromJson(json, where);
  if (name === DURATION) return durationFromJson(json, where);
  if (name === FIELD_MASK) return { paths: typeof json === 'string' && json !== '' ? json.split(',') : [] };
  if (options.shorthand && name === PAYLOAD) return payloadFromJson(json) as unknown as Record<string, unknown>;
  if (options.shorthand && name === PAYLOADS && Array.isArray(json)) return { payloads: json.map((j) => payloadFromJson(j)) };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidArgument(`${where}: expected an object for ${name}, got ${JSON.stringify(json)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const f = fieldByJsonName(type, key);
    if (!f) throw invalidArgument(`${where}: unknown field "${key}" in ${name}`);
    if (value === null) continue;
    const at = `${where}.${f.name}`;
    if (f.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${at}: expected an object`);
      out[f.name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueFromJson(f, v, at, options, fromQuery)]));
    } else if (f.repeated) {
      const items = Array.isArray(value) ? value : fromQuery ? [value] : null;
      if (!items) throw invalidArgument(`${at}: expected an array`);
      out[f.name] = items.map((v) => valueFromJson(f, v, at, options, fromQuery));
    } else {
      out[f.name] = valueFromJson(f, value, at, options, fromQuery);
    }
  }
  return out;
}

/** Sets `a.b.c` (proto or JSON names) in a nested JSON object, as grpc-gateway fills path and query parameters. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').map(camel);
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  const existing = node[last];
  node[last] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
}
