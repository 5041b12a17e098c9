import Long from 'long';
import { google } from '@temporalio/proto';

type TimeMessage = google.protobuf.ITimestamp | google.protobuf.IDuration;

/** Milliseconds of a protobuf Timestamp or Duration whose seconds may arrive as a number or a Long. */
export function protoToMs(value: TimeMessage | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = value.seconds === null || value.seconds === undefined ? 0 : Long.fromValue(value.seconds).toNumber();
  return seconds * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000);
}

/** A protobuf Timestamp (or Duration) for a millisecond count. */
export function msToProto(ms: number): { seconds: Long; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** A number as the Long that int64 message fields carry. */
export const toLong = (n: number): Long => Long.fromNumber(n);

/** Temporal's rendering of a schedule time in workflow ids: RFC 3339, UTC, whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
