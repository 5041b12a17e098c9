import { IVT, typeName } from './search-attribute-types';
import type { temporal } from './proto';

type Payload = temporal.api.common.v1.IPayload;

/** A decoded search attribute payload: `ok` false when it is no JSON value at all. */
type Decoded = { ok: true; value: unknown; raw: string } | { ok: false };

function metadataString(payload: Payload, key: string): string | undefined {
  const v = payload.metadata?.[key];
  return v ? Buffer.from(v).toString('utf8') : undefined;
}

/** The SDK's default converter reading of a payload: `json/plain` parsed, `binary/null` as null. */
export function decodePayload(payload: Payload | null | undefined): Decoded {
  if (!payload) return { ok: true, value: null, raw: 'null' };
  const encoding = metadataString(payload, 'encoding');
  if (encoding === 'binary/null') return { ok: true, value: null, raw: 'null' };
  if (encoding !== 'json/plain') return { ok: false };
  const raw = Buffer.from(payload.data ?? []).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(raw) as unknown, raw: raw.trim() };
  } catch {
    return { ok: false };
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** What Go's json.Unmarshal accepts into the Go type the server decodes each type to. */
function isScalarOf(type: number, v: unknown): boolean {
  switch (type) {
    case IVT.INDEXED_VALUE_TYPE_BOOL:
      return typeof v === 'boolean';
    case IVT.INDEXED_VALUE_TYPE_INT:
      return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 63;
    case IVT.INDEXED_VALUE_TYPE_DOUBLE:
      return typeof v === 'number';
    case IVT.INDEXED_VALUE_TYPE_DATETIME:
      return typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v));
    case IVT.INDEXED_VALUE_TYPE_KEYWORD:
    case IVT.INDEXED_VALUE_TYPE_TEXT:
      return typeof v === 'string';
    case IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST:
      return Array.isArray(v) && v.every((item) => item === null || typeof item === 'string');
    default:
      return false;
  }
}

/**
 * sadefs.DecodeValue with allowList off (SQL visibility, the dev server's): the value itself,
 * null (unsets the attribute), or a list of values of which at most one is kept.
 */
export function isValidValue(type: number, decoded: Decoded): boolean {
  if (!decoded.ok) return false;
  const { value } = decoded;
  if (value === null) return true;
  if (type === IVT.INDEXED_VALUE_TYPE_INT && typeof value === 'number' && /[.eE]/.test(decoded.raw)) return false;
  if (isScalarOf(type, value)) return true;
  if (!Array.isArray(value)) return false;
  if (!value.every((item) => item === null || isScalarOf(type, item))) return false;
  return value.length <= 1;
}

/** A decoded value as Go's `%v` prints it in the server's messages. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${goFormat(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** The validator's message for a value that does not decode to its attribute's type. */
export function invalidValueMessage(name: string, type: number, payload: Payload | null | undefined): string {
  const decoded = decodePayload(payload);
  const shown = decoded.ok ? goFormat(decoded.value) : `value from <${Buffer.from(payload?.data ?? []).toString('utf8')}>`;
  return `invalid value for search attribute ${name} of type ${typeName(type)}: ${shown}`;
}

/** The typed value a list filter compares with: numbers, booleans, epoch ms for datetimes, strings, string lists. */
export function filterValue(type: number, payload: Payload | null | undefined): unknown {
  const decoded = decodePayload(payload);
  if (!decoded.ok || decoded.value === null) return undefined;
  const value = Array.isArray(decoded.value) && type !== IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST ? decoded.value[0] : decoded.value;
  if (value === undefined || value === null) return undefined;
  if (type === IVT.INDEXED_VALUE_TYPE_DATETIME) return typeof value === 'string' ? Date.parse(value) : undefined;
  return value;
}

/** common/payload isNilPayload: no data, `null` or `[]` unsets an attribute. */
function isNilPayload(p: Payload | null | undefined): boolean {
  const data = Buffer.from(p?.data ?? []).toString('utf8');
  return !p || data === '' || data === 'null' || data === '[]';
}

/** An upsert applied to a run's attributes as Temporal's payload.MergeMapOfPayload does: nil values remove the key. */
export function mergeSearchAttributes(
  current: temporal.api.common.v1.ISearchAttributes | null | undefined,
  upsert: temporal.api.common.v1.ISearchAttributes | null | undefined,
): temporal.api.common.v1.ISearchAttributes {
  const fields: Record<string, Payload> = { ...(current?.indexedFields ?? {}) };
  for (const [k, v] of Object.entries(upsert?.indexedFields ?? {})) {
    if (isNilPayload(v)) delete fields[k];
    else fields[k] = v;
  }
  return { indexedFields: fields };
}
