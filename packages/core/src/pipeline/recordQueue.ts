import type { LogRecord } from '../record/record.js';

export type WhenFull = 'drop-oldest' | 'drop-newest';

/** What push() returns when nothing was dropped: shared, so the common case allocates nothing. */
const NOTHING_DROPPED: readonly LogRecord[] = Object.freeze([]);

/**
 * The bounded FIFO between `log()` and the sink: records wait here until a
 * batch closes (maxEvents, maxBytes, or intervalMs since the oldest arrived).
 * Pure: no timers, no I/O; the pipeline asks and acts.
 */
export class RecordQueue {
  private readonly items: (LogRecord | undefined)[] = [];
  /** Arrival time of each record, same index as `items`. */
  private readonly arrivals: number[] = [];
  private head = 0;
  private bytesHeld = 0;

  /** When the oldest record still waiting arrived (the caller's clock). */
  get oldestAt(): number {
    return this.arrivals[this.head] ?? 0;
  }

  constructor(
    private readonly maxBytes: number,
    private readonly whenFull: WhenFull,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  peek(): LogRecord | undefined {
    return this.items[this.head];
  }

  /** Adds a record; returns what had to be dropped to stay within maxBytes (maybe the record itself). */
  push(record: LogRecord, now: number): readonly LogRecord[] {
    let dropped = NOTHING_DROPPED;
    if (this.bytesHeld + record.bytes > this.maxBytes) {
      if (this.whenFull === 'drop-newest' || record.bytes > this.maxBytes) return [record];
      const oldest: LogRecord[] = [];
      while (this.length > 0 && this.bytesHeld + record.bytes > this.maxBytes) {
        const item = this.shift();
        if (item) oldest.push(item);
      }
      dropped = oldest;
    }
    this.items.push(record);
    this.arrivals.push(now);
    this.bytesHeld += record.bytes;
    return dropped;
  }

  /** True when a batch should go now rather than wait for more records. */
  ready(maxEvents: number, maxBytes: number, intervalMs: number, now: number): boolean {
    const n = this.length;
    if (n === 0) return false;
    return this.full(maxEvents, maxBytes) || now - this.oldestAt >= intervalMs;
  }

  /** True when a whole batch waits (maxEvents records or maxBytes). */
  full(maxEvents: number, maxBytes: number): boolean {
    return this.length >= maxEvents || this.bytesHeld >= maxBytes;
  }

  /** Takes the next batch: up to maxEvents records and maxBytes (always at least one record). */
  take(maxEvents: number, maxBytes: number): LogRecord[] {
    const { items, head } = this;
    if (head === items.length) return [];
    const end = Math.min(items.length, head + maxEvents);
    let size = (items[head] as LogRecord).bytes;
    let i = head + 1;
    for (; i < end; i++) {
      const bytes = (items[i] as LogRecord).bytes;
      if (size + bytes > maxBytes) break;
      size += bytes;
    }
    const batch = items.slice(head, i) as LogRecord[];
    // Let go of the taken records (the slots are reused when the arrays are compacted).
    items.fill(undefined, head, i);
    this.head = i;
    this.bytesHeld -= size;
    this.compact();
    return batch;
  }

  /**
   * Puts a batch taken earlier back at the front, in order, ready to go at
   * once (a lane that cannot send it gives it back for the others). Nothing
   * is dropped for it: these records were within the limit when they came.
   */
  putBack(records: readonly LogRecord[]): void {
    const n = records.length;
    if (n === 0) return;
    const { items, arrivals } = this;
    if (this.head < n) {
      // Make room at the front: shift what waits by the missing slots.
      const extra = n - this.head;
      items.length += extra;
      arrivals.length += extra;
      items.copyWithin(this.head + extra, this.head);
      arrivals.copyWithin(this.head + extra, this.head);
      this.head += extra;
    }
    this.head -= n;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const record = records[i] as LogRecord;
      items[this.head + i] = record;
      arrivals[this.head + i] = 0;
      bytes += record.bytes;
    }
    this.bytesHeld += bytes;
  }

  /** Empties the queue, returning everything in order. */
  drain(): LogRecord[] {
    const all = this.items.slice(this.head) as LogRecord[];
    this.items.length = 0;
    this.arrivals.length = 0;
    this.head = 0;
    this.bytesHeld = 0;
    return all;
  }

  private shift(): LogRecord | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.items[this.head] = undefined;
    this.head++;
    this.bytesHeld -= item.bytes;
    this.compact();
    return item;
  }

  /**
   * Compacts now and then so the arrays do not grow without bound. In place: assigning new arrays
   * to the fields would make V8 deoptimise every function that inlined them (the whole intake).
   */
  private compact(): void {
    if (this.head <= 4096 || this.head * 2 <= this.items.length) return;
    const { items, arrivals, head } = this;
    const n = items.length - head;
    items.copyWithin(0, head);
    arrivals.copyWithin(0, head);
    items.length = n;
    arrivals.length = n;
    this.head = 0;
  }
}
