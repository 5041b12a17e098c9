import * as protoRoot from '@temporalio/proto';
import type Long from 'long';
import type { Message, Type } from 'protobufjs';

import { temporal, google } from '@temporalio/proto';

/** Message types of Temporal's API, with reflection, as shipped by @temporalio/proto. */
export { temporal, google };

export const api = temporal.api;
export const wf = temporal.api.workflowservice.v1;
export const enums = temporal.api.enums.v1;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type Payloads = temporal.api.common.v1.IPayloads;
export type Failure = temporal.api.failure.v1.IFailure;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type Timestamp = google.protobuf.ITimestamp;
export type Duration = google.protobuf.IDuration;

/** Reflected protobuf type by its fully qualified name (e.g. `.temporal.api.common.v1.Payload`). */
export function lookupType(name: string): Type {
  return (protoRoot as unknown as { lookupType(n: string): Type }).lookupType(name);
}

/** Decodes wire bytes into a plain object: int64 as number, enums as numbers, bytes as Buffer. */
export function decodePlain<T>(type: Type, bytes: Uint8Array): T {
  const msg: Message = type.decode(bytes);
  return type.toObject(msg, { longs: Number }) as T;
}

/** Encodes a plain object (numbers for int64, numeric enums) to wire bytes. */
export function encodePlain(type: Type, value: object): Buffer {
  return Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
}

export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) } as unknown as Timestamp;
}

export function fromTimestamp(ts: Timestamp | null | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Duration in ms, or undefined when unset or zero (Temporal treats zero as "not set"). */
export function durationMs(d: Duration | null | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

export function toDuration(ms: number | undefined): Duration | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) } as unknown as Duration;
}

/** int64 fields are typed as Long; numbers encode the same. */
export function long(n: number): Long {
  return n as unknown as Long;
}
