/**
 * Request bodies read as the server reads them: Jackson maps the JSON onto the
 * spec's request model, then bean validation checks the required properties.
 *
 * - not JSON → 422 (JsonParseException); a value of the wrong type or a
 *   malformed UUID → 422 (JsonMappingException);
 * - an unknown property → 422 on the controllers under strict deserialization
 *   (StrictApiJsonMessageBodyReader: Connection, Workspace, WebBackend,
 *   Organization, DataplaneGroup, when EnableStrictJsonDeserialization is on),
 *   ignored elsewhere (jobs/*, applications/*);
 * - a required property missing → 400 (ConstraintViolationException).
 */
import type { z } from 'zod';
import { CONFIG_API, type Endpoint, type RequestOf } from '../../activities/airbyte/config-api-endpoints';
import { constraintViolation, invalidJson } from './errors';

const STRICT_FAMILIES = new Set(['connections', 'workspaces', 'web_backend', 'organizations', 'dataplane_groups']);

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw invalidJson('No content to map due to end-of-input');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJson((error as Error).message);
  }
}

function missing(body: unknown, path: PropertyKey[]): boolean {
  let value: unknown = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined || value === null;
}

function withoutKeys(body: unknown, path: PropertyKey[], keys: string[]): unknown {
  const copy = structuredClone(body) as Record<PropertyKey, unknown>;
  let target: unknown = copy;
  for (const key of path) target = (target as Record<PropertyKey, unknown>)[key];
  for (const key of keys) delete (target as Record<string, unknown>)[key];
  return copy;
}

/** The validated body of a request to `endpoint`, or the error answer the server would give. */
export function readRequest<E extends Endpoint>(endpoint: E, body: unknown, strictJson: boolean): RequestOf<E> {
  const schema = CONFIG_API[endpoint].request as z.ZodType;
  const strict = strictJson && STRICT_FAMILIES.has(endpoint.split('/')[0]);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidJson(`Cannot deserialize ${endpoint} body from ${Array.isArray(body) ? 'an array' : typeof body}`);
  let current = body;
  for (let round = 0; round < 10; round++) {
    const parsed = schema.safeParse(current);
    if (parsed.success) return parsed.data as RequestOf<E>;
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      if (strict) throw invalidJson(`Unrecognized field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} at ${where} (not marked as ignorable)`);
      current = withoutKeys(current, issue.path, issue.keys) as object;
      continue;
    }
    if (missing(current, issue.path)) throw constraintViolation(where, 'must not be null');
    throw invalidJson(`Cannot deserialize value at ${where}: ${issue.message}`);
  }
  throw invalidJson('too many unknown properties');
}
