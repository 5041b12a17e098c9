/**
 * Named pipes for the DuckDB writer, made in batches and reused: Node has no
 * mkfifo, and spawning `mkfifo` blocks the event loop for the fork (about
 * 15 ms, far more in a big worker process on a busy machine: it was most of
 * a small table's sync). A pipe is empty again once both its ends are
 * closed, so a file written whole gives its pipe back; a pipe whose writer
 * was aborted is removed instead.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class FifoPool {
  private readonly free: string[] = [];
  private made = 0;
  private making: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly batch = 8,
  ) {}

  async acquire(): Promise<string> {
    while (this.free.length === 0) {
      this.making ??= this.make().finally(() => (this.making = undefined));
      await this.making;
    }
    return this.free.pop()!;
  }

  /** A pipe both of whose ends are closed, for the next file. */
  release(pipePath: string): void {
    this.free.push(pipePath);
  }

  /** A pipe that may still hold bytes or an open end: removed, never reused. */
  async discard(pipePath: string): Promise<void> {
    await fs.rm(pipePath, { force: true });
  }

  async close(): Promise<void> {
    await Promise.all(this.free.splice(0).map((p) => fs.rm(p, { force: true })));
  }

  private async make(): Promise<void> {
    const paths = Array.from({ length: this.batch }, () => path.join(this.dir, `rows-${++this.made}.csv.pipe`));
    await Promise.all(paths.map((p) => fs.rm(p, { force: true })));
    await execFileAsync('mkfifo', paths);
    this.free.push(...paths);
  }
}
