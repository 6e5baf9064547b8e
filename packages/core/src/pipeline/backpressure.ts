import type { RecordQueue } from './recordQueue.js';

/**
 * Backpressure for a source that can wait (a worker's stream, stdin). The
 * high-water mark is one full batch per lane (or half the buffer): that keeps
 * every lane busy, and a longer backlog only costs memory. A source waits only
 * while waiting helps (`canWait`: the API answers, a request is under way);
 * otherwise the bounded buffer and the spool take the records. A source that
 * asks while the backlog is over the mark and no request is under way starts
 * one (`start`: the backlog goes now, full batch or not), then waits for it:
 * with a buffer smaller than a batch, the backlog would otherwise grow until
 * the batch interval passed, and overflow first.
 */
export class Backpressure {
  private waiters: (() => void)[] = [];
  private readonly highRecords: number;
  private readonly highBytes: number;

  constructor(
    private readonly queue: RecordQueue,
    highWater: { records: number; bytes: number },
    private readonly canWait: () => boolean,
    private readonly start: () => void = () => {},
  ) {
    this.highRecords = highWater.records;
    this.highBytes = highWater.bytes;
  }

  /** Numbers only, for a loop that asks per line: the backlog is over its high-water mark. */
  backlogged(): boolean {
    return this.queue.length > this.highRecords || this.queue.bytes > this.highBytes;
  }

  /** undefined when the source may go on; otherwise resolves once the backlog is down to about half the mark. */
  capacity(): Promise<void> | undefined {
    if (!this.backlogged()) return undefined;
    if (!this.canWait()) {
      this.start();
      if (!this.canWait()) return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called as things change (a batch settled, a request failed, closing): resumes waiting sources when they may go on. */
  check(): void {
    if (this.waiters.length === 0) return;
    const low = this.queue.length <= this.highRecords / 2 && this.queue.bytes <= this.highBytes / 2;
    if (low || !this.over()) this.releaseAll();
  }

  releaseAll(): void {
    for (const resume of this.waiters.splice(0)) resume();
  }

  private over(): boolean {
    return this.backlogged() && this.canWait();
  }
}
