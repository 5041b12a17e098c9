/**
 * Temporal's payload shorthand for its HTTP API (go.temporal.io/api common/v1 payload_json.go,
 * the proposal's "payload formatting"): a payload whose only metadata is `encoding: json/plain`
 * is written as its JSON value, `binary/null` as null, `json/protobuf` with its `messageType` as
 * the object plus `_protoMessageType`; anything else keeps the full `{metadata, data}` form.
 * Reading, an object of exactly `metadata` (base64 strings, with `encoding`) and `data` (base64)
 * is a full payload; any other value becomes a json/plain payload of that value.
 */
export interface PayloadMessage {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}

const MESSAGE_TYPE_KEY = '_protoMessageType';

export function payloadToShorthand(p: PayloadMessage): { handled: boolean; value?: unknown } {
  const metadata = p.metadata ?? {};
  const keys = Object.keys(metadata);
  const encoding = metadata.encoding ? Buffer.from(metadata.encoding).toString('utf8') : '';
  try {
    if (encoding === 'binary/null') return { handled: true, value: null };
    const text = Buffer.from(p.data ?? new Uint8Array()).toString('utf8');
    if (encoding === 'json/plain' && keys.length === 1) return { handled: true, value: JSON.parse(text) };
    if (encoding === 'json/protobuf' && keys.length === 2 && metadata.messageType) {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return { handled: true, value: { ...value, [MESSAGE_TYPE_KEY]: Buffer.from(metadata.messageType).toString('utf8') } };
      }
    }
  } catch {
    // Not valid JSON: written in full.
  }
  return { handled: false };
}

function base64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function fullPayload(value: Record<string, unknown>): PayloadMessage | undefined {
  const keys = Object.keys(value);
  const md = value.metadata;
  if (typeof md !== 'object' || md === null || Array.isArray(md) || !('encoding' in md)) return undefined;
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(md)) {
    const bytes = base64(v);
    if (!bytes) return undefined;
    metadata[k] = bytes;
  }
  if (keys.length === 1 && Buffer.from(metadata.encoding).toString('utf8') === 'binary/null') return { metadata };
  if (keys.length !== 2 || !('data' in value)) return undefined;
  const data = base64(value.data);
  return data ? { metadata, data } : undefined;
}

export function payloadFromJson(value: unknown): PayloadMessage {
  if (value === null) return { metadata: { encoding: Buffer.from('binary/null') } };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const full = fullPayload(value as Record<string, unknown>);
    if (full) return full;
    const { [MESSAGE_TYPE_KEY]: messageType, ...rest } = value as Record<string, unknown>;
    if (typeof messageType === 'string') {
      return { metadata: { encoding: Buffer.from('json/protobuf'), messageType: Buffer.from(messageType) }, data: Buffer.from(JSON.stringify(rest)) };
    }
  }
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) };
}
