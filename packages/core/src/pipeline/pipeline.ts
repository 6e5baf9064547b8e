import { LogferryError } from '../errors/logferryError.js';
import { Intake, type LogEntry } from '../intake/intake.js';
import type { ResolvedOptions } from '../options/options.js';
import type { Sink } from '../protocols/sink.js';
import { levelMapFor } from '../record/levels.js';
import type { LogInput, LogRecord } from '../record/record.js';
import { Backpressure } from './backpressure.js';
import type { Client, ClientHooks } from './client.js';
import { FlushWaiters } from './flushWaiters.js';
import { Lane } from './lane.js';
import { RecordQueue } from './recordQueue.js';
import { Reports } from './reports.js';
import { sendWithRetry, type RetryHooks } from './retry.js';
import { countReason, emptyStats, type DropReason, type Stats } from './stats.js';
import { Undeliverable, type RecordSpool } from './undeliverable.js';

/** What the pipeline is handed: it speaks no protocol and touches no file, socket or process itself. */
export interface PipelineParts {
  sink: Sink;
  /** Where undeliverable records go; without one they are counted as dropped. */
  spool?: RecordSpool;
  /** Counters to fill (shared with whoever built the sink, which counts sessions). */
  counters?: Stats;
  /** What the sink sends through, closed with the pipeline. */
  transport?: { close(): Promise<void> };
  /** Installs the host's exit and signal hooks for this client; returns their uninstall. */
  lifecycle?: (client: Client) => () => void;
  /** The secrets to redact from every report. */
  secrets?: readonly string[];
}

/**
 * The pipeline: intake → bounded queue → batches → the sink's lanes, each
 * batch retried around the sink's send, what cannot be delivered to the spool.
 *
 *   log() ─ Intake ─▶ RecordQueue ─ pump ─▶ Lane ─ sendWithRetry(sink.send) ─▶ settled
 *                         │                  │                                   │
 *                    Backpressure      next batch prepared              FlushWaiters, stats
 *                                       (sink.prepare)           Undeliverable ─▶ spool | Reports
 */
export class Pipeline implements Client {
  private readonly queue: RecordQueue;
  private readonly intake: Intake;
  private readonly lanes: Lane[];
  private readonly counters: Stats;
  private readonly reports: Reports;
  private readonly undeliverable: Undeliverable;
  private readonly backpressure: Backpressure;
  private readonly flushers = new FlushWaiters();
  private readonly deadline = new AbortController();
  private readonly maxBatchBytes: number;
  private readonly sink: Sink;
  private readonly uninstall: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last request got an answer the pipeline could act on (not a retry). */
  private healthy = true;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private fatal: LogferryError | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: ClientHooks,
    private readonly parts: PipelineParts,
  ) {
    const sink = parts.sink;
    this.sink = sink;
    this.counters = parts.counters ?? emptyStats();
    this.reports = new Reports(this.counters, parts.secrets ?? [], hooks.onError, parts.spool !== undefined);
    this.undeliverable = new Undeliverable(parts.spool, this.counters, this.reports);
    this.maxBatchBytes = Math.min(options.batch.maxBytes, sink.maxBatchBytes);
    this.queue = new RecordQueue(options.buffer.maxBytes, options.buffer.whenFull);
    this.lanes = Array.from({ length: sink.lanes }, (_, index) => new Lane(index));
    this.backpressure = new Backpressure(
      this.queue,
      { records: options.batch.maxEvents * sink.lanes, bytes: Math.min(this.maxBatchBytes * sink.lanes, options.buffer.maxBytes / 2) },
      // Waiting only helps while the API answers and a request is under way.
      () => options.buffer.backpressure && this.healthy && this.state === 'open' && !this.fatal && this.lanes.some((lane) => lane.busy),
    );
    this.intake = new Intake({
      levels: hooks.levels ?? levelMapFor(options.levels),
      messageKey: hooks.messageKey ?? 'msg',
      format: options.format,
      fieldNames: options.sink.type === 'initialstate' ? options.sink.fields : [],
      sizeOf: (n) => sink.sizeOf(n),
    });
    this.uninstall = parts.lifecycle?.(this);
    if (hooks.openAtStart) sink.open?.(this.deadline.signal);
  }

  // ---- intake -------------------------------------------------------------

  log(input: LogInput): void {
    const now = Date.now();
    this.enqueue(this.intake.fromInput(input, now), now);
  }

  logEntry(entry: LogEntry): void {
    this.enqueue(this.intake.fromEntry(entry));
  }

  logLine(line: string): void {
    if (line !== '') this.enqueue(this.intake.fromLine(line));
  }

  private enqueue(record: LogRecord, now = Date.now()): void {
    this.counters.logged++;
    if (this.state === 'closed') return this.undeliverable.add([record], 'closed');
    if (this.fatal) return this.undeliverable.add([record], 'auth');
    const dropped = this.queue.push(record, now);
    if (dropped.length > 0) this.undeliverable.add(dropped, 'overflow');
    this.schedule(now);
  }

  // ---- dispatch -----------------------------------------------------------

  /** Someone waits (flush, close): batches go now, without waiting to fill. */
  private get hurry(): boolean {
    return this.flushers.waiting || this.state !== 'open';
  }

  private schedule(now = Date.now()): void {
    const { maxEvents, intervalMs } = this.options.batch;
    if (this.hurry || this.queue.ready(maxEvents, this.maxBatchBytes, intervalMs, now)) {
      this.pump();
    } else if (!this.timer && this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.max(0, intervalMs - (now - this.queue.oldestAt)));
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  private pump(): void {
    const { maxEvents, intervalMs } = this.options.batch;
    for (const lane of this.lanes) {
      if (lane.busy || lane.abandoned) continue;
      if (this.queue.length === 0) break;
      if (!this.hurry && !this.queue.ready(maxEvents, this.maxBatchBytes, intervalMs, Date.now())) break;
      void this.runLane(lane, this.queue.take(maxEvents, this.maxBatchBytes));
    }
    // A whole batch waiting for a busy lane is taken as that lane's next, and the sink prepares its
    // request (builds the body) now, while the server reads the current one. Not while requests
    // fail, nor for a lane that is retrying: the records stay in the bounded buffer then.
    if (this.healthy && this.sink.prepare) {
      for (const lane of this.lanes) {
        if (!this.queue.full(maxEvents, this.maxBatchBytes)) break;
        if (!lane.wantsNext() || this.state === 'closed') continue;
        const batch = this.queue.take(maxEvents, this.maxBatchBytes);
        lane.hold(batch);
        try {
          this.sink.prepare(lane.index, batch);
        } catch (error) {
          // Not prepared: the body is written when the batch goes. A bug here must not reach log()'s caller.
          this.reports.error(new LogferryError('LOGFERRY_WORKER', `internal error while preparing a request: ${(error as Error).message}`));
        }
      }
    }
    if (this.queue.length > 0 && !this.timer && this.lanes.some((l) => !l.busy)) this.schedule();
  }

  private async runLane(lane: Lane, batch: LogRecord[]): Promise<void> {
    lane.start(batch);
    try {
      for (let records = lane.current(); records && !lane.abandoned; records = lane.current()) await this.deliver(lane, records);
    } catch (error) {
      // A bug must not strand records: settle what is held as undeliverable.
      this.reports.error(new LogferryError('LOGFERRY_WORKER', `internal error while sending: ${(error as Error).message}`));
      for (const held of lane.takeHeld()) this.settle(lane, held, () => this.undeliverable.add(held, 'gave-up'));
    } finally {
      lane.stop();
      this.checkFlushers();
      if (this.state !== 'closed') this.pump();
      this.backpressure.check();
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
    this.queue.putBack(next);
    if (this.lanes.some((l) => !l.busy && !l.abandoned)) this.pump();
  }

  /** `records` leave the lane, are counted through `count`, and flushers waiting for them only are done. */
  private settle(lane: Lane, records: LogRecord[], count: () => void, delivered = false): void {
    lane.settle(records);
    count();
    this.hooks.onSettled?.(records, delivered);
    // The lane may go on with its next batch: flushers waiting for these records only are done.
    this.checkFlushers();
    this.backpressure.check();
  }

  private retryHooks(lane: Lane): RetryHooks {
    const c = this.counters;
    return {
      mayAttempt: () => {
        if (this.fatal) return false;
        c.requests++;
        return true;
      },
      failed: (failure) => {
        c.failedRequests++;
        this.healthy = false;
        this.backpressure.check();
        if (failure.ambiguous) c.ambiguous++;
      },
      waiting: (failure) => {
        this.reports.error(failure.error);
        c.retries++;
        lane.failing = true;
        this.giveBackNext(lane);
      },
      abandoned: () => lane.abandoned,
      hurry: () => this.hurry,
    };
  }

  private async deliver(lane: Lane, records: LogRecord[]): Promise<void> {
    const signal = this.deadline.signal;
    const outcome = await sendWithRetry(() => this.sink.send(lane.index, records, signal), records.length, this.options.retry, signal, this.retryHooks(lane));
    const c = this.counters;
    switch (outcome.kind) {
      case 'stopped':
        return;
      case 'blocked':
        return this.settle(lane, records, () => this.undeliverable.add(records, 'auth'));
      case 'gave-up':
        this.reports.error(outcome.error);
        return this.settle(lane, records, () => this.undeliverable.add(records, 'gave-up'));
      case 'delivered':
        this.healthy = true;
        lane.failing = false;
        return this.settle(lane, records, () => {
          c.delivered += records.length - outcome.rejected.length - outcome.outOfWindow.length;
          c.rejected += outcome.rejected.length;
          for (const r of outcome.rejected) countReason(c.rejectedReasons, r.reason);
          c.filtered += outcome.outOfWindow.length;
          if (outcome.notice) this.reports.error(outcome.notice);
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
          this.reports.error(outcome.error);
          this.undeliverable.add(this.queue.drain(), 'auth');
        }
        return this.settle(lane, records, () => this.undeliverable.add(records, 'auth'));
    }
  }

  // ---- backpressure, flush and close --------------------------------------

  backlogged(): boolean {
    return this.backpressure.backlogged();
  }

  capacity(): Promise<void> | undefined {
    return this.backpressure.capacity();
  }

  private minUnsettled(): number {
    let min = this.queue.peek()?.seq ?? Infinity;
    for (const lane of this.lanes) min = Math.min(min, lane.oldestSeq());
    return min;
  }

  private checkFlushers(): void {
    if (this.flushers.waiting) this.flushers.check(this.minUnsettled());
  }

  flush(): Promise<void> {
    const target = this.intake.lastSeq;
    if (target < this.minUnsettled()) return Promise.resolve();
    const flushed = this.flushers.add(target);
    this.pump();
    return flushed;
  }

  close(): Promise<void> {
    this.closing ??= this.closeWithin(this.options.exitTimeoutMs);
    return this.closing;
  }

  private async closeWithin(ms: number): Promise<void> {
    this.state = 'closing';
    this.backpressure.check();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), ms);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.abandon('exit');
    this.finish();
    await Promise.all([this.parts.transport?.close(), this.sink.close()]);
  }

  /** Everything not yet settled goes to the spool (or is counted dropped) now, synchronously. */
  private abandon(reason: DropReason): void {
    this.deadline.abort();
    for (const lane of this.lanes) {
      if (!lane.busy) continue;
      lane.abandoned = true;
      for (const held of lane.takeHeld()) this.undeliverable.add(held, reason);
    }
    this.undeliverable.add(this.queue.drain(), reason);
    this.flushers.releaseAll();
    this.backpressure.releaseAll();
  }

  private finish(): void {
    this.state = 'closed';
    clearTimeout(this.timer);
    this.timer = undefined;
    this.uninstall?.();
    this.undeliverable.close();
    this.reports.flushDrops();
  }

  closeSync(): void {
    if (this.state === 'closed') return;
    this.abandon('exit');
    this.finish();
    void this.parts.transport?.close();
  }

  stats(): Stats {
    let inFlight = 0;
    for (const lane of this.lanes) inFlight += lane.inFlight;
    return {
      ...this.counters,
      buffered: this.queue.length,
      bufferedBytes: this.queue.bytes,
      inFlight,
      rejectedReasons: { ...this.counters.rejectedReasons },
      droppedReasons: { ...this.counters.droppedReasons },
    };
  }
}
