/**
 * The service clock. Real time plus an offset; with time skipping on, the offset
 * jumps forward to the next due alarm whenever the service reports that nothing
 * is outstanding (no task dispatched and unanswered, no task waiting for a poller).
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

export class ServiceClock {
  private offsetMs = 0;
  private seq = 0;
  private entries: Entry[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private skipCheck: NodeJS.Immediate | undefined;
  private sources: AlarmSource[] = [];
  private stopped = false;
  private isIdle: () => boolean = () => false;

  constructor(readonly timeSkipping: boolean) {}

  /** Milliseconds since the epoch on the service clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far the clock has jumped ahead of real time. */
  skippedMs(): number {
    return this.offsetMs;
  }

  /** The predicate consulted before skipping time. */
  setIdleCheck(isIdle: () => boolean): void {
    this.isIdle = isIdle;
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
    if (this.stopped || !this.isIdle()) return;
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
