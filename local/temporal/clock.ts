import { ServiceError } from './errors';
import { status } from '@grpc/grpc-js';

/**
 * The service clock. Real time plus an offset. With time skipping (the test
 * server's mode) it follows Temporal's test server: a lock counter, held once
 * from the start unless the server was started unlocked; the clock jumps to the
 * next alarm only while the locks add up to zero, counting one for everything the
 * service has in flight (a workflow task scheduled or running, an activity queued
 * or running, a query pending). Clients unlock it while they await a result
 * (UnlockTimeSkipping/LockTimeSkipping) or for an explicit sleep
 * (UnlockTimeSkippingWithSleep), which counts as one unlock of its own and so
 * moves time past one activity that is itself in flight.
 */

export interface Alarm {
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

/** Something else that wants to be woken at a time of its own (e.g. schedules). */
export interface AlarmSource {
  nextFireTime(): number | undefined;
  fireDue(): void;
}

const MAX_TIMEOUT_MS = 2_000_000_000;

/** off: real time (the dev server); locked/unlocked: the test server, locked or not at start. */
export type TimeSkipping = 'off' | 'locked' | 'unlocked';

export class ServiceClock {
  private offsetMs = 0;
  private seq = 0;
  private entries: Entry[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private skipCheck: NodeJS.Immediate | undefined;
  private sources: AlarmSource[] = [];
  private stopped = false;
  private inFlight: () => number = () => 0;
  private locks: number;

  constructor(readonly mode: TimeSkipping) {
    this.locks = mode === 'locked' ? 1 : 0;
  }

  get timeSkipping(): boolean {
    return this.mode !== 'off';
  }

  /** LockTimeSkipping: one more holder keeps the clock at real pace. */
  lock(): void {
    this.locks += 1;
  }

  /** UnlockTimeSkipping: releases one lock; more unlocks than locks is the caller's error. */
  unlock(): void {
    if (this.locks === 0) throw new ServiceError(status.FAILED_PRECONDITION, 'Unbalanced lock and unlock calls: time skipping is not locked');
    this.locks -= 1;
    this.poke();
  }

  /** Sleep/SleepUntil: resolves when the service clock reaches `at`, without unlocking. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => this.at(at, resolve));
  }

  /** UnlockTimeSkippingWithSleep: unlocked until the clock has moved by `ms`, then locked again. */
  unlockWhileSleeping(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, () => {
        this.locks += 1;
        resolve();
      });
      this.locks -= 1;
      this.poke();
    });
  }

  /** Milliseconds since the epoch on the service clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far the clock has jumped ahead of real time. */
  skippedMs(): number {
    return this.offsetMs;
  }

  /** How many things in flight hold the clock (each counts as one lock) — consulted before skipping. */
  setInFlight(inFlight: () => number): void {
    this.inFlight = inFlight;
  }

  addSource(source: AlarmSource): void {
    this.sources.push(source);
    this.poke();
  }

  /** Runs `fire` when the service clock reaches `at`. */
  at(at: number, fire: () => void): Alarm {
    const entry: Entry = { at, seq: this.seq++, fire, cancelled: false };
    this.entries.push(entry);
    this.entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.poke();
    return {
      cancel: () => {
        entry.cancelled = true;
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  after(delayMs: number, fire: () => void): Alarm {
    return this.at(this.now() + Math.max(0, delayMs), fire);
  }

  /** State changed: re-arm the real timer and, when idle, consider skipping. */
  poke(): void {
    if (this.stopped) return;
    this.armRealTimer();
    if (this.timeSkipping && !this.skipCheck) {
      this.skipCheck = setImmediate(() => {
        this.skipCheck = undefined;
        this.skipIfIdle();
      });
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    if (this.skipCheck) clearImmediate(this.skipCheck);
    this.entries = [];
  }

  private nextDue(): number | undefined {
    let next = this.entries[0]?.at;
    for (const source of this.sources) {
      const t = source.nextFireTime();
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  private armRealTimer(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const next = this.nextDue();
    if (next === undefined) return;
    const delay = Math.min(Math.max(0, next - this.now()), MAX_TIMEOUT_MS);
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.fireDue();
    }, delay);
    this.realTimer.unref?.();
  }

  private skipIfIdle(): void {
    if (this.stopped || this.locks + this.inFlight() > 0) return;
    const next = this.nextDue();
    if (next === undefined) return;
    const gap = next - this.now();
    if (gap > 0) this.offsetMs += gap;
    this.fireDue();
  }

  private fireDue(): void {
    if (this.stopped) return;
    const now = this.now();
    while (this.entries.length > 0 && this.entries[0].at <= now) {
      const entry = this.entries.shift() as Entry;
      if (!entry.cancelled) entry.fire();
    }
    for (const source of this.sources) {
      const t = source.nextFireTime();
      if (t !== undefined && t <= now) source.fireDue();
    }
    this.poke();
  }
}
