/**
 * The alert intake's budget of recoveries started per minute, per sender
 * address and overall, in process: a sliding window of the start times taken
 * in the last minute. A batch is taken whole or not at all; when it does not
 * fit, the answer says how many seconds until it would (Retry-After). Memory
 * holds at most `perSender` times per sender seen in the last window.
 */
import type { BudgetAnswer } from './alert-recovery';

export interface StartRateLimits {
  /** Recoveries one sender address may start per window. */
  perSender: number;
  /** Recoveries all senders together may start per window. */
  total: number;
  /** Default 60 s. */
  windowMs?: number;
}

const EVERYONE = '*';
/** Past this many tracked senders, the ones with nothing in the window are dropped. */
const SWEEP_AT = 1000;

export class StartBudget {
  private readonly taken = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(
    private readonly limits: StartRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = limits.windowMs ?? 60_000;
  }

  /** Takes `count` starts for `sender`, or refuses them all. */
  take(sender: string, count: number): BudgetAnswer {
    const now = this.now();
    this.sweep(now);
    const checks: [string, number, string][] = [
      [sender, this.limits.perSender, `at most ${this.limits.perSender} new recoveries a minute from one sender`],
      [EVERYONE, this.limits.total, `at most ${this.limits.total} new recoveries a minute in all`],
    ];
    let waitMs = 0;
    for (const [key, limit, rule] of checks) {
      if (count > limit) return { ok: false, retryAfterSeconds: Math.ceil(this.windowMs / 1000), why: `this batch would start ${count} recoveries; ${rule}` };
      const times = this.recent(key, now);
      const over = times.length + count - limit;
      if (over > 0) waitMs = Math.max(waitMs, times[over - 1] + this.windowMs - now);
    }
    if (waitMs > 0) {
      const blocking = checks.find(([key, limit]) => this.recent(key, now).length + count > limit) as [string, number, string];
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), why: `rate limit: ${blocking[2]}` };
    }
    for (const [key] of checks) {
      const times = this.recent(key, now);
      for (let i = 0; i < count; i++) times.push(now);
      this.taken.set(key, times);
    }
    return { ok: true };
  }

  /** The start times of `key` still inside the window, oldest first. */
  private recent(key: string, now: number): number[] {
    const times = this.taken.get(key) ?? [];
    const firstInside = times.findIndex((t) => t > now - this.windowMs);
    const kept = firstInside < 0 ? [] : firstInside === 0 ? times : times.slice(firstInside);
    if (kept !== times) this.taken.set(key, kept);
    return kept;
  }

  private sweep(now: number): void {
    if (this.taken.size < SWEEP_AT) return;
    for (const key of [...this.taken.keys()]) if (this.recent(key, now).length === 0) this.taken.delete(key);
  }
}
