/**
 * Long-poll matching: tasks wait in a named queue until a poller takes them,
 * pollers wait until a task arrives or their long poll expires.
 */

/** A queued task. `dispatch` returns the poll response, or undefined when the task went stale. */
export interface QueuedTask<R> {
  dispatch(identity: string): R | undefined;
  /** False once the task can no longer be dispatched (its run closed, it was cancelled...). */
  isLive(): boolean;
}

interface Poller<R> {
  identity: string;
  resolve(response: R | undefined): void;
  isGone(): boolean;
}

export interface PollHandle {
  /** The poller's call went away: stop waiting. */
  abandon(): void;
}

class NamedQueue<R> {
  tasks: QueuedTask<R>[] = [];
  pollers: Poller<R>[] = [];
  lastPolledAt = 0;
  /** When each identity last polled (real time), for DescribeTaskQueue's pollers. */
  lastPollBy = new Map<string, number>();
}

export class TaskQueues<R> {
  private queues = new Map<string, NamedQueue<R>>();

  constructor(
    private readonly longPollMs: number,
    private readonly onChange: () => void,
  ) {}

  private queue(name: string): NamedQueue<R> {
    let q = this.queues.get(name);
    if (!q) {
      q = new NamedQueue<R>();
      this.queues.set(name, q);
    }
    return q;
  }

  /** Adds a task; hands it to a waiting poller at once when there is one. */
  enqueue(name: string, task: QueuedTask<R>): void {
    const q = this.queue(name);
    q.tasks.push(task);
    this.match(q);
    this.onChange();
  }

  /** Waits for a task on `name`; resolves undefined when the long poll expires. */
  poll(name: string, identity: string, isGone: () => boolean): { response: Promise<R | undefined>; handle: PollHandle } {
    const q = this.queue(name);
    q.lastPolledAt = Date.now();
    q.lastPollBy.set(identity, q.lastPolledAt);
    let poller: Poller<R> | undefined;
    const response = new Promise<R | undefined>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      poller = {
        identity,
        isGone,
        resolve: (r) => {
          if (timer) clearTimeout(timer);
          q.pollers = q.pollers.filter((p) => p !== poller);
          resolve(r);
          this.onChange();
        },
      };
      timer = setTimeout(() => poller?.resolve(undefined), this.longPollMs);
      q.pollers.push(poller);
      this.match(q);
    });
    this.onChange();
    return { response, handle: { abandon: () => poller?.resolve(undefined) } };
  }

  /** Answers every poller waiting on `name` with an empty response. */
  releasePollers(name: string): void {
    const q = this.queues.get(name);
    if (!q) return;
    for (const p of [...q.pollers]) p.resolve(undefined);
  }

  releaseAll(): void {
    for (const name of this.queues.keys()) this.releasePollers(name);
  }

  /** True when a task waits in a queue that a worker polls (or polled in the last long-poll window). */
  backlog(name: string): number {
    return this.queues.get(name)?.tasks.length ?? 0;
  }

  /** Who polled `name` within the last `withinMs` (now polling or not), most recent first, as Temporal's poller history. */
  recentPollers(name: string, withinMs: number): Array<{ identity: string; lastAccessTime: number }> {
    const q = this.queues.get(name);
    if (!q) return [];
    const since = Date.now() - withinMs;
    for (const p of q.pollers) q.lastPollBy.set(p.identity, Date.now());
    return [...q.lastPollBy.entries()]
      .filter(([, at]) => at >= since)
      .sort((a, b) => b[1] - a[1])
      .map(([identity, lastAccessTime]) => ({ identity, lastAccessTime }));
  }

  pollerIdentities(name: string): string[] {
    return (this.queues.get(name)?.pollers ?? []).map((p) => p.identity);
  }

  private match(q: NamedQueue<R>): void {
    while (q.tasks.length > 0 && q.pollers.length > 0) {
      const poller = q.pollers[0];
      if (poller.isGone()) {
        poller.resolve(undefined);
        continue;
      }
      const task = q.tasks.shift() as QueuedTask<R>;
      const response = task.dispatch(poller.identity);
      if (response !== undefined) poller.resolve(response);
    }
  }
}
