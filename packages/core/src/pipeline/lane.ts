import type { LogRecord } from '../record/record.js';

/**
 * One of the sink's lanes (a Datamix session: one request in flight) and the
 * records it holds until they settle: a stack whose top is the batch being
 * sent, with the batch taken to go next (prepared while the current request
 * is under way) at the bottom. Its `inFlight` counts every record it holds.
 */
export class Lane {
  busy = false;
  /** The last attempt failed and the lane is retrying: it takes no next batch (another lane may send it). */
  failing = false;
  /** Closed at the deadline: what it held went to the spool; answers still coming are ignored. */
  abandoned = false;
  /** When the lane last stopped sending; undefined while busy or before it first sent. */
  idleSince: number | undefined;
  private holding: LogRecord[][] = [];
  private next: LogRecord[] | undefined;
  private held = 0;

  constructor(readonly index: number) {}

  /** Records held and not settled. */
  get inFlight(): number {
    return this.held;
  }

  /** The lane starts sending `batch`. */
  start(batch: LogRecord[]): void {
    this.busy = true;
    this.idleSince = undefined;
    this.holding = [batch];
    this.held = batch.length;
  }

  /** The batch to send now (the top of the stack), or undefined when everything is settled. */
  current(): LogRecord[] | undefined {
    const top = this.holding[this.holding.length - 1];
    if (top !== undefined && top === this.next) this.next = undefined;
    return top;
  }

  /** Whether the lane may take a next batch now: it is sending, not retrying, and has none. */
  wantsNext(): boolean {
    return this.busy && !this.failing && !this.abandoned && this.next === undefined;
  }

  /** Holds `batch` as the one to go once the current request is answered. */
  hold(batch: LogRecord[]): void {
    this.next = batch;
    this.holding.unshift(batch);
    this.held += batch.length;
  }

  /** Lets go of the next batch (to be given back to the queue), if the lane holds one. */
  releaseNext(): LogRecord[] | undefined {
    const next = this.next;
    if (!next) return undefined;
    this.next = undefined;
    this.remove(next);
    return next;
  }

  /** `records` are settled (delivered, rejected, spooled or dropped): the lane no longer holds them. */
  settle(records: LogRecord[]): void {
    this.remove(records);
  }

  /** Replaces `records` (the top) by its two halves, the first half on top so it goes first. */
  split(records: LogRecord[]): void {
    const i = this.holding.indexOf(records);
    const mid = Math.ceil(records.length / 2);
    this.holding.splice(i, 1, records.slice(mid), records.slice(0, mid));
  }

  /** Everything held, oldest first (so a spool keeps the records' order); the lane holds nothing after. */
  takeHeld(): LogRecord[][] {
    this.next = undefined;
    this.held = 0;
    return this.holding.splice(0).reverse();
  }

  /** The lane stops sending (its loop ended) at `now`. */
  stop(now: number): void {
    this.busy = false;
    this.idleSince = now;
    this.next = undefined;
  }

  /** The lowest `seq` the lane holds, or Infinity. */
  oldestSeq(): number {
    let min = Infinity;
    for (const batch of this.holding) min = Math.min(min, (batch[0] as LogRecord).seq);
    return min;
  }

  private remove(records: LogRecord[]): void {
    const i = this.holding.indexOf(records);
    if (i === -1) return;
    this.holding.splice(i, 1);
    this.held -= records.length;
  }
}
