import { LogferryError } from '../errors/logferryError.js';
import type { Sink, StopReason } from '../protocols/sink.js';
import type { LogRecord } from '../record/record.js';
import { Lane } from './lane.js';
import { LaneGrowth } from './laneGrowth.js';
import type { RecordQueue } from './recordQueue.js';
import type { Reports } from './reports.js';
import { sendWithRetry, type RetryHooks } from './retry.js';
import type { RetryPolicy } from './retrySchedule.js';
import { countReason, type DropReason, type Stats } from './stats.js';
import type { Undeliverable } from './undeliverable.js';

/** What the dispatch shares with the pipeline around it. */
export interface DispatchContext {
  sink: Sink;
  queue: RecordQueue;
  batch: { maxEvents: number; maxBytes: number; intervalMs: number };
  retry: RetryPolicy;
  counters: Stats;
  reports: Reports;
  undeliverable: Undeliverable;
  deadline: AbortSignal;
  /** Someone waits (flush, close): batches go now, without waiting to fill. */
  hurry(): boolean;
  /** The pipeline is closed: no more batches are taken. */
  closed(): boolean;
  /** `records` have settled (after their lane let go of them). */
  settled(records: readonly LogRecord[], delivered: boolean): void;
  /** Something flushers or waiting sources may be waiting for changed (a lane stopped, a request failed). */
  changed(): void;
  /** The backlog is over backpressure's high-water mark (a source that can wait is held back). */
  held(): boolean;
}

/**
 * When batches leave the queue and on which lane: a batch goes when it is
 * full, when the oldest record has waited `intervalMs`, or at once when
 * someone waits. Each lane sends one batch at a time through sendWithRetry
 * and settles what the sink answered.
 */
export class Dispatch {
  readonly lanes: Lane[];
  /** The last request got an answer the pipeline could act on (not a retry). */
  healthy = true;
  /** A bad key or a spent quota: nothing more is sent. */
  fatal: LogferryError | undefined;
  /** Why, for what is spooled or dropped from then on. */
  fatalReason: StopReason = 'auth';
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** In sendBacklog: a batch goes whether or not it is ready. */
  private forced = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly maxBatchBytes: number;
  private readonly maxBatchRecords: number;
  /** How many of the lanes are open (a sink with a range of lanes grows and shrinks it). */
  private readonly growth: LaneGrowth;

  constructor(private readonly c: DispatchContext) {
    this.lanes = Array.from({ length: c.sink.lanes }, (_, index) => new Lane(index));
    this.maxBatchBytes = Math.min(c.batch.maxBytes, c.sink.maxBatchBytes);
    this.maxBatchRecords = Math.min(c.batch.maxEvents, c.sink.maxBatchRecords ?? Infinity);
    const range = c.sink.laneRange ?? { min: c.sink.lanes, max: c.sink.lanes, idleMs: 0 };
    this.growth = new LaneGrowth(range.min, Math.min(range.max, c.sink.lanes), range.idleMs);
  }

  /** Lanes open to take batches. */
  get openLanes(): number {
    return this.growth.open;
  }

  get batchBytes(): number {
    return this.maxBatchBytes;
  }

  get batchRecords(): number {
    return this.maxBatchRecords;
  }

  busy(): boolean {
    return this.lanes.some((lane) => lane.busy);
  }

  schedule(now = Date.now()): void {
    const { queue, batch } = this.c;
    if (this.c.hurry() || queue.ready(this.maxBatchRecords, this.maxBatchBytes, batch.intervalMs, now)) {
      this.pump();
    } else if (!this.timer && queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.max(0, batch.intervalMs - (now - queue.oldestAt)));
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Batches go now, full or not, to the lanes that are free: a source that can wait is held back by the backlog. */
  sendBacklog(): void {
    this.forced = true;
    try {
      this.pump();
    } finally {
      this.forced = false;
    }
  }

  pump(): void {
    const { queue, sink } = this.c;
    const { intervalMs } = this.c.batch;
    const maxEvents = this.maxBatchRecords;
    for (let i = 0; i < this.growth.open; i++) {
      const lane = this.lanes[i] as Lane;
      if (lane.busy || lane.abandoned) continue;
      if (queue.length === 0) break;
      if (!this.forced && !this.c.hurry() && !queue.ready(maxEvents, this.maxBatchBytes, intervalMs, Date.now())) break;
      void this.run(lane, queue.take(maxEvents, this.maxBatchBytes));
    }
    // A whole batch waiting for a busy lane is taken as that lane's next, and the sink prepares its
    // request (builds the body) now, while the server reads the current one. Not while requests
    // fail, nor for a lane that is retrying: the records stay in the bounded buffer then.
    if (this.healthy && sink.prepare) {
      for (let i = 0; i < this.growth.open; i++) {
        const lane = this.lanes[i] as Lane;
        if (!queue.full(maxEvents, this.maxBatchBytes)) break;
        if (!lane.wantsNext() || this.c.closed()) continue;
        const batch = queue.take(maxEvents, this.maxBatchBytes);
        lane.hold(batch);
        try {
          sink.prepare(lane.index, batch);
        } catch (error) {
          // Not prepared: the body is written when the batch goes. A bug here must not reach log()'s caller.
          this.c.reports.error(new LogferryError('LOGFERRY_WORKER', `internal error while preparing a request: ${(error as Error).message}`));
        }
      }
    }
    if (this.growth.ranged && this.mayGrow()) return this.pump();
    if (queue.length > 0 && !this.timer && this.openLaneFree()) this.schedule();
  }

  private openLaneFree(): boolean {
    for (let i = 0; i < this.growth.open; i++) {
      const lane = this.lanes[i] as Lane;
      if (!lane.busy && !lane.abandoned) return true;
    }
    return false;
  }

  /** One lane more when the open ones cannot keep up (see LaneGrowth); only while requests succeed. */
  private mayGrow(): boolean {
    if (!this.healthy || this.c.closed() || this.fatal) return false;
    const { queue } = this.c;
    const view = {
      allBusy: !this.openLaneFree(),
      backlogged: queue.full(this.maxBatchRecords, this.maxBatchBytes),
      queuedBytes: queue.bytes,
      held: this.c.held(),
    };
    return this.growth.grow(view, Date.now());
  }

  /**
   * Closes the top open lane once it has been idle the range's idleMs (and
   * then the next, as each goes quiet), down to the range's min. The sink
   * forgets that lane's session; the lane opens again when the load needs it.
   */
  private watchIdle(): void {
    if (this.idleTimer || !this.growth.ranged || this.c.closed()) return;
    const top = this.lanes[this.growth.open - 1] as Lane;
    if (!this.growth.aboveMin || top.busy || top.idleSince === undefined) return;
    const wait = Math.max(0, top.idleSince + this.growth.idleMs - Date.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.c.closed() || top.busy) return;
      if (this.growth.shrink(top.idleSince, Date.now())) {
        this.c.sink.closeLane?.(top.index);
        this.c.changed();
      }
      this.watchIdle();
    }, wait);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  /** The lowest `seq` a lane holds, or Infinity. */
  oldestSeq(): number {
    let min = Infinity;
    for (const lane of this.lanes) min = Math.min(min, lane.oldestSeq());
    return min;
  }

  inFlight(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.inFlight;
    return n;
  }

  /** At the deadline: every busy lane lets go of what it holds, oldest first, as undeliverable. */
  abandon(reason: DropReason): void {
    for (const lane of this.lanes) {
      if (!lane.busy) continue;
      lane.abandoned = true;
      for (const held of lane.takeHeld()) this.c.undeliverable.add(held, reason);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private async run(lane: Lane, batch: LogRecord[]): Promise<void> {
    lane.start(batch);
    try {
      for (let records = lane.current(); records && !lane.abandoned; records = lane.current()) await this.deliver(lane, records);
    } catch (error) {
      // A bug must not strand records: settle what is held as undeliverable.
      this.c.reports.error(new LogferryError('LOGFERRY_WORKER', `internal error while sending: ${(error as Error).message}`));
      for (const held of lane.takeHeld()) this.settle(lane, held, () => this.c.undeliverable.add(held, 'gave-up'));
    } finally {
      lane.stop(Date.now());
      if (!this.c.closed()) this.pump();
      this.watchIdle();
      this.c.changed();
    }
  }

  /**
   * A lane about to wait before a retry gives its next batch back to the
   * front of the queue, so an idle lane (with `sessions` > 1) can send it
   * rather than it waiting out this lane's retries; with one lane it waits
   * in the bounded buffer, like any record while requests fail.
   */
  private giveBackNext(lane: Lane): void {
    const next = lane.releaseNext();
    if (!next) return;
    this.c.queue.putBack(next);
    if (this.openLaneFree()) this.pump();
  }

  /** `records` leave the lane and are counted through `count`. */
  private settle(lane: Lane, records: LogRecord[], count: () => void, delivered = false): void {
    lane.settle(records);
    count();
    this.c.settled(records, delivered);
  }

  private retryHooks(lane: Lane): RetryHooks {
    const { counters: c, reports } = this.c;
    return {
      mayAttempt: () => {
        if (this.fatal) return false;
        c.requests++;
        return true;
      },
      failed: (failure) => {
        c.failedRequests++;
        this.healthy = false;
        this.c.changed();
        if (failure.ambiguous) c.ambiguous++;
      },
      waiting: (failure) => {
        if (!failure.quiet) reports.error(failure.error);
        c.retries++;
        lane.failing = true;
        this.giveBackNext(lane);
      },
      abandoned: () => lane.abandoned,
      hurry: () => this.c.hurry(),
    };
  }

  private async deliver(lane: Lane, records: LogRecord[]): Promise<void> {
    const { sink, deadline, counters: c, reports, undeliverable } = this.c;
    const outcome = await sendWithRetry(() => sink.send(lane.index, records, deadline), records.length, this.c.retry, deadline, this.retryHooks(lane));
    switch (outcome.kind) {
      case 'stopped':
        return;
      case 'blocked':
        return this.settle(lane, records, () => undeliverable.add(records, this.fatalReason));
      case 'gave-up':
        reports.error(outcome.error);
        return this.settle(lane, records, () => undeliverable.add(records, 'gave-up'));
      case 'delivered':
        this.healthy = true;
        lane.failing = false;
        return this.settle(lane, records, () => {
          const filtered = outcome.outOfWindow.length + (outcome.filtered ?? 0);
          c.delivered += records.length - outcome.rejected.length - filtered;
          c.rejected += outcome.rejected.length;
          for (const r of outcome.rejected) countReason(c.rejectedReasons, r.reason);
          c.filtered += filtered;
          if (outcome.notice) reports.error(outcome.notice);
          c.restamped += outcome.restamped;
          if (outcome.duplicateAvoided) c.duplicatesAvoided++;
        }, true);
      case 'split':
        if (records.length > 1) return lane.split(records);
        return this.settle(lane, records, () => {
          c.rejected++;
          countReason(c.rejectedReasons, 'record too large for the API');
        }, true);
      case 'fatal':
        c.failedRequests++;
        if (!this.fatal) {
          this.fatal = outcome.error;
          this.fatalReason = outcome.reason ?? 'auth';
          reports.error(outcome.error);
          undeliverable.add(this.c.queue.drain(), this.fatalReason);
        }
        return this.settle(lane, records, () => undeliverable.add(records, this.fatalReason));
    }
  }
}
