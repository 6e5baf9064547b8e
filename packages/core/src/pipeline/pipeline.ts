import { Intake, type LogEntry } from '../intake/intake.js';
import type { ResolvedOptions } from '../options/options.js';
import type { Sink } from '../protocols/sink.js';
import { levelMapFor } from '../record/levels.js';
import type { LogInput, LogRecord } from '../record/record.js';
import { Backpressure } from './backpressure.js';
import type { Client, ClientHooks } from './client.js';
import { Dispatch } from './dispatch.js';
import { FlushWaiters } from './flushWaiters.js';
import type { RecordJournal } from './journal.js';
import { RecordQueue } from './recordQueue.js';
import { Reports } from './reports.js';
import { emptyStats, type DropReason, type Stats } from './stats.js';
import { Undeliverable, type RecordSpool } from './undeliverable.js';

/** What the pipeline is handed: it speaks no protocol and touches no file, socket or process itself. */
export interface PipelineParts {
  sink: Sink;
  /** Where undeliverable records go; without one they are counted as dropped. */
  spool?: RecordSpool;
  /** The durable spool (a write-ahead log) and the drain of what earlier processes left; see RecordJournal. */
  journal?: RecordJournal;
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
 *   log() ─ Intake ─▶ RecordQueue ─ Dispatch ─▶ Lane ─ sendWithRetry(sink.send) ─▶ settled
 *                          │                     │                                 │
 *                     Backpressure     next batch prepared            FlushWaiters, stats
 *                                        (sink.prepare)        Undeliverable ─▶ spool | Reports
 */
export class Pipeline implements Client {
  private readonly queue: RecordQueue;
  private readonly intake: Intake;
  private readonly dispatch: Dispatch;
  private readonly counters: Stats;
  private readonly reports: Reports;
  private readonly undeliverable: Undeliverable;
  private readonly backpressure: Backpressure;
  private readonly flushers = new FlushWaiters();
  private readonly deadline = new AbortController();
  private readonly uninstall: (() => void) | undefined;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    hooks: ClientHooks,
    private readonly parts: PipelineParts,
  ) {
    const { sink } = parts;
    this.counters = parts.counters ?? emptyStats();
    this.reports = new Reports(this.counters, parts.secrets ?? [], hooks.onError, parts.spool !== undefined);
    this.undeliverable = new Undeliverable(parts.spool, this.counters, this.reports, parts.journal);
    this.queue = new RecordQueue(options.buffer.maxBytes, options.buffer.whenFull);
    this.dispatch = new Dispatch({
      sink,
      queue: this.queue,
      batch: options.batch,
      retry: options.retry,
      counters: this.counters,
      reports: this.reports,
      undeliverable: this.undeliverable,
      deadline: this.deadline.signal,
      hurry: () => this.flushers.waiting || this.state !== 'open',
      closed: () => this.state === 'closed',
      settled: (records, delivered) => {
        parts.journal?.settled(records, delivered);
        hooks.onSettled?.(records, delivered);
        this.changed();
      },
      changed: () => this.changed(),
      held: () => this.backpressure.backlogged(),
    });
    const batchBytes = this.dispatch.batchBytes;
    this.backpressure = new Backpressure(
      this.queue,
      { records: this.dispatch.batchRecords * sink.lanes, bytes: Math.min(batchBytes * sink.lanes, options.buffer.maxBytes / 2) },
      // Waiting only helps while the API answers and a request is under way.
      () => this.mayWait() && this.dispatch.busy(),
      // A source that can wait is over the mark between two requests: the backlog goes now.
      () => {
        if (this.mayWait()) this.dispatch.sendBacklog();
      },
    );
    this.intake = new Intake({
      levels: hooks.levels ?? levelMapFor(options.levels),
      messageKey: hooks.messageKey ?? 'msg',
      format: options.format,
      fieldNames: options.sink.type === 'initialstate' ? options.sink.fields : [],
      sizeOf: (n) => sink.sizeOf(n),
    });
    parts.journal?.attach({
      room: () => (this.state === 'closed' || this.dispatch.fatal ? 0 : options.buffer.maxBytes - this.queue.bytes),
      accepting: () => this.state !== 'closed' && !this.dispatch.fatal,
      make: (entry, seq) => {
        const record = this.intake.fromEntry(entry);
        record.seq = seq;
        return record;
      },
      push: (records, drained) => this.pushReadBack(records, drained),
      changed: () => this.changed(),
      report: (error) => this.reports.error(error),
    });
    this.uninstall = parts.lifecycle?.(this);
    if (hooks.openAtStart) sink.open?.(this.deadline.signal);
  }

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
    // Durable: written ahead; false while it waits in the spool for room in the buffer.
    if (this.parts.journal?.take(record) === false) return;
    if (this.dispatch.fatal) return this.undeliverable.add([record], this.dispatch.fatalReason);
    const dropped = this.queue.push(record, now);
    if (dropped.length > 0) this.undeliverable.add(dropped, 'overflow');
    this.dispatch.schedule(now);
  }

  /** Records the journal read back (an earlier process's, or this one's spilled), into the buffer. */
  private pushReadBack(records: LogRecord[], drained: number): void {
    this.counters.drained += drained;
    const now = Date.now();
    for (const record of records) {
      const dropped = this.queue.push(record, now);
      if (dropped.length > 0) this.undeliverable.add(dropped, 'overflow');
    }
    this.dispatch.schedule(now);
  }

  /** A waiting source is answered by the API: it is up, open, and the key is good (and backpressure is on). */
  private mayWait(): boolean {
    return this.options.buffer.backpressure && this.dispatch.healthy && this.state === 'open' && !this.dispatch.fatal;
  }

  backlogged(): boolean {
    return this.backpressure.backlogged();
  }

  capacity(): Promise<void> | undefined {
    return this.backpressure.capacity();
  }

  /** Records settled, a lane stopped or a request failed: wake the flushers and sources that were waiting for it. */
  private changed(): void {
    this.parts.journal?.refill();
    if (this.flushers.waiting) this.flushers.check(this.minUnsettled());
    this.backpressure.check();
  }

  private minUnsettled(): number {
    return Math.min(this.queue.peek()?.seq ?? Infinity, this.dispatch.oldestSeq(), this.parts.journal?.oldestSeq() ?? Infinity);
  }

  flush(): Promise<void> {
    const target = this.intake.lastSeq;
    if (target < this.minUnsettled()) return Promise.resolve();
    const flushed = this.flushers.add(target);
    this.dispatch.pump();
    return flushed;
  }

  close(withinMs = this.options.exitTimeoutMs): Promise<void> {
    this.closing ??= this.closeWithin(Math.max(0, Math.min(withinMs, this.options.exitTimeoutMs)));
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
    if (timedOut) {
      this.reports.deadlinePassed(`within exitTimeoutMs (${this.options.exitTimeoutMs} ms)`, this.dispatch.inFlight());
      this.abandon('exit');
    }
    this.finish();
    await Promise.all([this.parts.transport?.close(), this.parts.sink.close()]);
  }

  /** Everything not yet settled goes to the spool (or is counted dropped) now, synchronously. */
  private abandon(reason: DropReason): void {
    this.deadline.abort();
    this.dispatch.abandon(reason);
    this.undeliverable.add(this.queue.drain(), reason);
    this.flushers.releaseAll();
    this.backpressure.releaseAll();
  }

  private finish(): void {
    this.state = 'closed';
    this.dispatch.stop();
    this.uninstall?.();
    this.undeliverable.close();
    // Durable: what still waits in the spool unread stays there for the next start.
    if (this.parts.journal) this.counters.spooled += this.parts.journal.close();
    this.reports.flushDrops();
  }

  closeSync(): void {
    if (this.state === 'closed') return;
    this.reports.deadlinePassed('before the process exited', this.dispatch.inFlight());
    this.abandon('exit');
    this.finish();
    void this.parts.transport?.close();
  }

  stats(): Stats {
    return {
      ...this.counters,
      buffered: this.queue.length,
      bufferedBytes: this.queue.bytes,
      inFlight: this.dispatch.inFlight(),
      spilled: this.parts.journal?.waiting ?? 0,
      lanesOpen: this.dispatch.openLanes,
      rejectedReasons: { ...this.counters.rejectedReasons },
      droppedReasons: { ...this.counters.droppedReasons },
    };
  }
}
