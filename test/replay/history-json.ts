/**
 * History fixtures as JSON: `historyToJSON` / `historyFromJSON` of @temporalio/common
 * (the proto3 JSON form other Temporal tools write and the SDK's replayer reads).
 *
 * When the installed tree holds two copies of protobufjs 8 (one nested under
 * @temporalio/common, one under @temporalio/proto, because the root keeps
 * protobufjs 7), the SDK's functions throw "type must be a Type": the JSON codec of
 * one copy does not recognise the message types of the other. The same codec is
 * then taken from the copy @temporalio/proto's types were built with, so the
 * files written and read are the same either way.
 */
import path from 'node:path';
import * as sdk from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = sdk.History;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

function isDuplicateCodec(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'type must be a Type';
}

let codec: { json: ProtoJson; historyType: unknown } | undefined;
function protoCodec(): { json: ProtoJson; historyType: unknown } {
  if (!codec) {
    const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const json = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
    const patched = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
    codec = { json, historyType: patched.lookupType('temporal.api.history.v1.History') };
  }
  return codec;
}

/** A history as pretty-printed proto3 JSON text. */
export function historyToJSON(history: History): string {
  try {
    return sdk.historyToJSON(history);
  } catch (err) {
    if (!isDuplicateCodec(err)) throw err;
    const { json, historyType } = protoCodec();
    return JSON.stringify(json.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
  }
}

/** A history back from its parsed JSON. */
export function historyFromJSON(value: unknown): History {
  try {
    return sdk.historyFromJSON(value);
  } catch (err) {
    if (!isDuplicateCodec(err)) throw err;
    const { json, historyType } = protoCodec();
    const loaded = json.fromJson(historyType, value, { ignoreUnknownFields: true });
    if (!loaded) throw new TypeError('Invalid history');
    return loaded as History;
  }
}
