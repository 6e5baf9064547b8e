import { RecordQueue } from './recordQueue.js';
import { LogferryError, redact } from '../errors/logferryError.js';
import { HttpClient } from '../transport/nodeHttp.js';
import { levelMapFor, type DatamixLevel, type LevelMap } from '../record/levels.js';
import { formatRecordText, safeStringify } from '../record/messageText.js';
import { parseOptions, secretsOfOptions, type ResolvedOptions } from '../options/options.js';
import { parseLineSlow, scanPinoLine } from '../intake/pinoLine.js';
import { pinoJsonLength, type PinoSpans } from '../record/pinoText.js';
import { timeOf } from '../record/time.js';
import type { LogInput, LogRecord } from '../record/record.js';
import { nextDelay } from './retrySchedule.js';
import type { Sink } from '../protocols/sink.js';
import { DatamixSink } from '../protocols/datamix/datamixSink.js';
import { InitialStateSink } from '../protocols/initialstate/initialStateSink.js';
import { Spool } from '../node/spool.js';
import { countReason, emptyStats, type DropReason, type Stats } from './stats.js';
import { ServerClock } from '../record/timeWindow.js';
import { installExitHooks, installSignalHandlers } from '../node/signals.js';
import { sleep } from '../timing/sleep.js';

export interface ClientHooks {
  /** Receives every error report (already rate-limited; never contains a key or token). */
  onError?: (error: LogferryError) => void;
  /** The logger's own level map (pino custom levels, winston level sets). */
  levels?: LevelMap;
  /** pino's messageKey, when it is not `msg`. */
  messageKey?: string;
  /** Called once for every batch whose records are settled (delivered, rejected, spooled or dropped), in order per lane. */
  onSettled?: (records: readonly LogRecord[], delivered: boolean) => void;
  /** Main-thread use: flush on beforeExit and spool what is left on exit. Off inside workers. */
  exitHooks?: boolean;
  /**
   * Open the session (or bucket) now rather than with the first batch. For
   * workers, whose thread never keeps the process alive; off on the main
   * thread, where a client that never logs should make no request and hold
   * nothing open.
   */
  openAtStart?: boolean;
}

export interface Client {
  /** Queues one record; never throws, never waits on the network. */
  log(input: LogInput): void;
  /** Queues one JSON line (pino's format); the fast path for the pino transport. */
  logLine(line: string): void;
  /** Queues a record already normalised (a spool entry). */
  logEntry(entry: { level: DatamixLevel; time: number; text: string; fields?: LogRecord['fields'] }): void;
  /**
   * Backpressure for a source that can wait (a worker's stream, stdin):
   * undefined when the client takes more now; otherwise a promise that
   * resolves once the backlog is down to about half a batch per lane. It only
   * waits while the API is answering and merely behind: during an outage,
   * retries, or once closing, it is undefined and the bounded buffer (with
   * the spool) takes over, so a source never stalls on a dead API.
   */
  capacity(): Promise<void> | undefined;
  /**
   * The cheap first test of capacity(), numbers only: false while the backlog
   * is under its high-water mark (capacity() is then undefined). For a loop
   * that splits many lines per turn: ask this per line, capacity() only when
   * it is true.
   */
  backlogged(): boolean;
  /** Resolves once everything logged before the call is delivered, rejected, spooled or dropped (and counted). */
  flush(): Promise<void>;
  /** Flushes within `exitTimeoutMs`, spools (or counts as dropped) what is left, and releases connections. */
  close(): Promise<void>;
  /** At process exit, when nothing async can run: spool synchronously what is still unsettled. */
  closeSync(): void;
  stats(): Stats;
}

interface Lane {
  index: number;
  busy: boolean;
  /** Records this lane holds and has not settled: a stack, the batch being sent last. */
  holding: LogRecord[][];
  /** The batch taken to go next while the lane was busy (at the bottom of `holding`), until its turn comes. */
  next?: LogRecord[];
  /** The lane's last attempt failed and it is retrying: it takes no next batch (another lane may send it). */
  failing: boolean;
  abandoned: boolean;
}

const REPORT_INTERVAL_MS = 10_000;

/** The spans of a record that keeps its text (no pino line): numbers, so its fields hold the same kinds as a pino record's. */
const NO_SPANS: Partial<PinoSpans> = { line: undefined, fieldsStart: 0, fieldsEnd: 0, msgStart: 0, msgEnd: 0 };


/** The pipeline: normalise → bounded queue → batches → sink lanes, with retry, spool and stats. */
class Pipeline implements Client {
  private readonly queue: RecordQueue;
  private readonly sink: Sink;
  private readonly http: HttpClient;
  private readonly spool: Spool | undefined;
  private readonly counters = emptyStats();
  private readonly lanes: Lane[];
  private readonly levels: LevelMap;
  private readonly messageKey: string;
  private readonly maxBatchBytes: number;
  private readonly secrets: string[];
  private readonly deadline = new AbortController();
  private readonly reported = new Map<string, number>();
  private readonly fieldNames: string[];
  private readonly uninstall: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private toSpool: LogRecord[] = [];
  private readonly unreported = new Map<DropReason, number>();
  private lastDropReport = 0;
  private dropTimer: NodeJS.Timeout | undefined;
  private waiters: { target: number; resolve: () => void }[] = [];
  /** Sources waiting in capacity() for the backlog to shrink. */
  private capacityWaiters: (() => void)[] = [];
  /** The last request got an answer the pipeline could act on (not a retry). */
  private healthy = true;
  private readonly highWater: { records: number; bytes: number };
  private seq = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private fatal: LogferryError | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: ClientHooks,
  ) {
    this.secrets = secretsOfOptions(options);
    this.http = new HttpClient();
    if (options.sink.type === 'datamix') {
      this.sink = new DatamixSink(options.sink, options.stale, options.retry.requestTimeoutMs, this.http, new ServerClock(), () => {
        this.counters.sessionsCreated++;
      });
      this.fieldNames = [];
    } else {
      this.sink = new InitialStateSink(options.sink, options.retry.requestTimeoutMs, this.http);
      this.fieldNames = options.sink.fields;
    }
    this.maxBatchBytes = Math.min(options.batch.maxBytes, this.sink.maxBatchBytes);
    this.queue = new RecordQueue(options.buffer.maxBytes, options.buffer.whenFull);
    this.highWater = {
      records: options.batch.maxEvents * this.sink.lanes,
      bytes: Math.min(this.maxBatchBytes * this.sink.lanes, options.buffer.maxBytes / 2),
    };
    this.lanes = Array.from({ length: this.sink.lanes }, (_, index) => ({ index, busy: false, holding: [], failing: false, abandoned: false }));
    this.spool = options.spool ? new Spool(options.spool.path, options.spool.maxBytes) : undefined;
    this.levels = hooks.levels ?? levelMapFor(options.levels);
    this.messageKey = hooks.messageKey ?? 'msg';
    if (hooks.exitHooks) {
      this.uninstall.push(installExitHooks(() => this.flush(), () => this.closeSync()));
      if (options.handleSignals) {
        this.uninstall.push(
          installSignalHandlers({
            flush: () => this.close(),
            timeoutMs: options.exitTimeoutMs,
            logFatal: (error) => this.log({ level: 'fatal', time: Date.now(), msg: 'uncaught exception', err: error }),
          }),
        );
      }
    }
    if (hooks.openAtStart) this.sink.open?.(this.deadline.signal);
  }

  // ---- intake -------------------------------------------------------------

  log(input: LogInput): void {
    const now = Date.now();
    if (typeof input !== 'object' || input === null) {
      this.accept('info', now, typeof input === 'string' ? input : safeStringify(input), undefined);
      return;
    }
    const record = input as Record<string, unknown>;
    this.accept(
      this.levels.from(record.level),
      timeOf(record.time ?? record.timestamp, now),
      formatRecordText(record, this.options.format, this.messageKey),
      this.fieldsOf(record),
    );
  }

  logEntry(entry: { level: DatamixLevel; time: number; text: string; fields?: LogRecord['fields'] }): void {
    this.accept(entry.level, entry.time, entry.text, entry.fields);
  }

  logLine(line: string): void {
    if (line === '') return;
    if (this.fieldNames.length === 0 && this.options.format === 'text') {
      const fast = scanPinoLine(line, this.levels, this.messageKey);
      if (fast) {
        this.enqueue(this.record(fast.level, fast.time, undefined, fast, undefined, pinoJsonLength(fast)));
        return;
      }
    }
    const now = Date.now();
    const parsed = parseLineSlow(line, this.levels, this.options.format, this.messageKey, now);
    if (!parsed) {
      // Not JSON: keep the line as the message rather than lose it.
      this.accept('info', now, line, undefined);
      return;
    }
    this.accept(parsed.level, parsed.time, parsed.text, parsed.object ? this.fieldsOf(parsed.object) : undefined);
  }

  private fieldsOf(record: Record<string, unknown>): Record<string, string | number | boolean> | undefined {
    if (this.fieldNames.length === 0) return undefined;
    let fields: Record<string, string | number | boolean> | undefined;
    for (const name of this.fieldNames) {
      const v = record[name];
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        (fields ??= {})[name] = v;
      }
    }
    return fields;
  }

  private accept(level: DatamixLevel, time: number, text: string, fields: LogRecord['fields']): void {
    this.enqueue(this.record(level, time, text, NO_SPANS, fields, text.length));
  }

  /** Every record is made here: all fields, in one order, so both kinds (text, pino line) share one shape. */
  private record(
    level: DatamixLevel,
    time: number,
    text: string | undefined,
    spans: Partial<PinoSpans>,
    fields: LogRecord['fields'],
    messageLength: number,
  ): LogRecord {
    return {
      level,
      time,
      text,
      line: spans.line,
      fieldsStart: spans.fieldsStart,
      fieldsEnd: spans.fieldsEnd,
      msgStart: spans.msgStart,
      msgEnd: spans.msgEnd,
      fields,
      seq: ++this.seq,
      bytes: this.sink.sizeOf(messageLength),
    };
  }

  private enqueue(record: LogRecord): void {
    this.counters.logged++;
    if (this.state === 'closed') {
      this.undeliverable([record], 'closed');
      return;
    }
    if (this.fatal) {
      this.undeliverable([record], 'auth');
      return;
    }
    // One clock read per record (Date.now() costs ~100 ns on a slow VM): arrival and the batch check share it.
    const now = Date.now();
    const dropped = this.queue.push(record, now);
    if (dropped.length > 0) this.undeliverable(dropped, 'overflow');
    this.schedule(now);
  }

  // ---- dispatch -----------------------------------------------------------

  private get hurry(): boolean {
    return this.waiters.length > 0 || this.state !== 'open';
  }

  private schedule(now = Date.now()): void {
    const { maxEvents, intervalMs } = this.options.batch;
    if (this.hurry || this.queue.ready(maxEvents, this.maxBatchBytes, intervalMs, now)) {
      this.pump();
    } else if (!this.timer && this.queue.length > 0) {
      const wait = Math.max(0, intervalMs - (now - this.queue.oldestAt));
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      this.timer.unref();
    }
  }

  private pump(): void {
    const { maxEvents, intervalMs } = this.options.batch;
    for (const lane of this.lanes) {
      if (lane.busy || lane.abandoned) continue;
      if (this.queue.length === 0) break;
      if (!this.hurry && !this.queue.ready(maxEvents, this.maxBatchBytes, intervalMs, Date.now())) break;
      const batch = this.queue.take(maxEvents, this.maxBatchBytes);
      void this.runLane(lane, batch);
    }
    // A whole batch waiting for a busy lane is taken as that lane's next, and the sink prepares its
    // request (builds the body) now, while the server reads the current one. Not while requests
    // fail, nor for a lane that is retrying: the records stay in the bounded buffer then.
    if (this.healthy && this.sink.prepare) {
      for (const lane of this.lanes) {
        if (!this.queue.full(maxEvents, this.maxBatchBytes)) break;
        if (!lane.busy || lane.failing || lane.abandoned || lane.next || this.state === 'closed') continue;
        const batch = this.queue.take(maxEvents, this.maxBatchBytes);
        lane.next = batch;
        lane.holding.unshift(batch);
        this.counters.inFlight += batch.length;
        try {
          this.sink.prepare(lane.index, batch);
        } catch (error) {
          // Not prepared: the body is written when the batch goes. A bug here must not reach log()'s caller.
          this.report(new LogferryError('LOGFERRY_WORKER', `internal error while preparing a request: ${(error as Error).message}`));
        }
      }
    }
    if (this.queue.length > 0 && !this.timer && this.lanes.some((l) => !l.busy)) this.schedule();
  }

  private async runLane(lane: Lane, batch: LogRecord[]): Promise<void> {
    lane.busy = true;
    lane.holding = [batch];
    this.counters.inFlight += batch.length;
    try {
      while (lane.holding.length > 0 && !lane.abandoned) {
        const records = lane.holding[lane.holding.length - 1] as LogRecord[];
        if (records === lane.next) lane.next = undefined;
        await this.deliver(lane, records);
      }
    } catch (error) {
      // A bug must not strand records: settle what is held as undeliverable.
      this.report(new LogferryError('LOGFERRY_WORKER', `internal error while sending: ${(error as Error).message}`));
      for (const held of this.takeHeld(lane)) this.settle(lane, held, () => this.undeliverable(held, 'gave-up'));
    } finally {
      lane.busy = false;
      lane.next = undefined;
      this.checkWaiters();
      if (this.state !== 'closed') this.pump();
      this.checkCapacity();
    }
  }

  /**
   * A lane about to wait before a retry gives its next batch back to the
   * front of the queue, so an idle lane (with `sessions` > 1) can send it
   * rather than it waiting out this lane's retries; with one lane it waits
   * in the bounded buffer, like any record while requests fail.
   */
  private giveBackNext(lane: Lane): void {
    const next = lane.next;
    if (!next) return;
    lane.next = undefined;
    const i = lane.holding.indexOf(next);
    if (i !== -1) lane.holding.splice(i, 1);
    this.counters.inFlight -= next.length;
    this.queue.putBack(next);
    if (this.lanes.some((l) => !l.busy && !l.abandoned)) this.pump();
  }

  /** Everything the lane holds, taken from it oldest first (`holding` is a stack, the batch being sent last), so the spool keeps the records' order. */
  private takeHeld(lane: Lane): LogRecord[][] {
    return lane.holding.splice(0).reverse();
  }

  /** Removes `records` from what the lane holds, counts them through `count`, and wakes flushers. */
  private settle(lane: Lane, records: LogRecord[], count: () => void, delivered = false): void {
    const i = lane.holding.indexOf(records);
    if (i !== -1) lane.holding.splice(i, 1);
    this.counters.inFlight -= records.length;
    count();
    this.hooks.onSettled?.(records, delivered);
    // The lane may go on with its next batch: flushers waiting for these records only are done.
    this.checkWaiters();
    this.checkCapacity();
  }

  private async deliver(lane: Lane, records: LogRecord[]): Promise<void> {
    const started = Date.now();
    const policy = this.options.retry;
    for (let attempt = 0; ; attempt++) {
      if (this.fatal) return this.settle(lane, records, () => this.undeliverable(records, 'auth'));
      this.counters.requests++;
      const result = await this.sink.send(lane.index, records, this.deadline.signal);
      if (lane.abandoned) return;
      switch (result.kind) {
        case 'delivered': {
          this.healthy = true;
          lane.failing = false;
          const c = this.counters;
          return this.settle(lane, records, () => {
            c.delivered += records.length - result.rejected.length - result.outOfWindow.length;
            c.rejected += result.rejected.length;
            for (const r of result.rejected) countReason(c.rejectedReasons, r.reason);
            c.filtered += result.outOfWindow.length;
            if (result.notice) this.report(result.notice);
            c.restamped += result.restamped;
            if (result.duplicateAvoided) c.duplicatesAvoided++;
          }, true);
        }
        case 'split': {
          if (records.length === 1) {
            return this.settle(lane, records, () => {
              this.counters.rejected++;
              countReason(this.counters.rejectedReasons, 'record too large for the API');
            }, true);
          }
          // Replace this batch by its two halves; the first half goes first.
          const i = lane.holding.indexOf(records);
          const mid = Math.ceil(records.length / 2);
          lane.holding.splice(i, 1, records.slice(mid), records.slice(0, mid));
          return;
        }
        case 'fatal': {
          this.counters.failedRequests++;
          if (!this.fatal) {
            this.fatal = result.error;
            this.report(result.error);
            const queued = this.queue.drain();
            if (queued.length > 0) this.undeliverable(queued, 'auth');
          }
          return this.settle(lane, records, () => this.undeliverable(records, 'auth'));
        }
        case 'retry': {
          this.counters.failedRequests++;
          this.healthy = false;
          this.checkCapacity();
          if (result.ambiguous) this.counters.ambiguous++;
          if (this.deadline.signal.aborted) return;
          if (result.immediate) continue;
          const delay = nextDelay(attempt, policy, result.retryAfterMs);
          if (Date.now() + delay - started > policy.maxElapsedMs) {
            this.report(new LogferryError('LOGFERRY_GAVE_UP', `gave up on ${records.length} records after ${attempt + 1} attempts: ${result.error.message}`));
            return this.settle(lane, records, () => this.undeliverable(records, 'gave-up'));
          }
          this.report(result.error);
          this.counters.retries++;
          lane.failing = true;
          this.giveBackNext(lane);
          await sleep(delay, this.deadline.signal, this.hurry);
          if (lane.abandoned) return;
          break;
        }
      }
    }
  }

  /** Records that will not be delivered: to the spool when there is one, otherwise counted as dropped. */
  private undeliverable(records: readonly LogRecord[], reason: DropReason): void {
    if (records.length === 0) return;
    if (this.spool && reason !== 'unparseable') {
      // Overflow arrives one record at a time: gather it and write the spool once per turn.
      for (const r of records) this.toSpool.push(r);
      if (this.toSpool.length === records.length) setImmediate(() => this.writeSpool());
      return;
    }
    this.dropped(records.length, reason);
  }

  private writeSpool(): void {
    if (!this.spool || this.toSpool.length === 0) return;
    const records = this.toSpool;
    this.toSpool = [];
    const refused = this.spool.append(records);
    this.counters.spooled += records.length - refused;
    if (refused > 0) this.dropped(refused, 'spool-full');
  }

  /**
   * Counts lost records. Under overload this runs for every record, so the
   * report is one summary per interval with the real count, built only then.
   */
  private dropped(n: number, reason: DropReason): void {
    this.counters.dropped += n;
    countReason(this.counters.droppedReasons, reason, n);
    if (reason === 'auth') return; // the auth error itself was reported once
    this.unreported.set(reason, (this.unreported.get(reason) ?? 0) + n);
    const wait = this.lastDropReport + REPORT_INTERVAL_MS - Date.now();
    if (wait <= 0) this.reportDrops();
    else if (!this.dropTimer) {
      this.dropTimer = setTimeout(() => this.reportDrops(), wait);
      this.dropTimer.unref();
    }
  }

  private reportDrops(): void {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    if (this.unreported.size === 0) return;
    this.lastDropReport = Date.now();
    const parts = [...this.unreported].map(([reason, n]) => `${n} (${reason})`);
    this.unreported.clear();
    this.emitError(new LogferryError('LOGFERRY_DROPPED', `log records dropped: ${parts.join(', ')}${this.spool ? '' : '; set spool.path to keep them'}`));
  }

  private report(error: LogferryError): void {
    const now = Date.now();
    const key = `${error.code}:${error.message}`;
    const last = this.reported.get(key);
    if (last !== undefined && now - last < REPORT_INTERVAL_MS) {
      this.counters.lastError = { code: error.code, message: redact(error.message, this.secrets), at: new Date(now).toISOString() };
      return;
    }
    if (this.reported.size > 100) this.reported.clear();
    this.reported.set(key, now);
    this.emitError(error);
  }

  private emitError(error: LogferryError): void {
    const message = redact(error.message, this.secrets);
    this.counters.lastError = { code: error.code, message, at: new Date().toISOString() };
    const safe = message === error.message ? error : new LogferryError(error.code, message);
    try {
      this.hooks.onError?.(safe);
    } catch {
      // A throwing error handler must not break the pipeline.
    }
  }

  // ---- flush and close ----------------------------------------------------

  /** One full batch per lane waiting (or half the buffer) keeps every lane busy; more only costs GC (measured). */
  private overCapacity(): boolean {
    if (!this.backlogged()) return false;
    if (!this.options.buffer.backpressure || !this.healthy || this.state !== 'open' || this.fatal) return false;
    // Waiting only helps while a request is under way; with every lane idle the backlog is not shrinking.
    return this.lanes.some((lane) => lane.busy);
  }

  backlogged(): boolean {
    return this.queue.length > this.highWater.records || this.queue.bytes > this.highWater.bytes;
  }

  capacity(): Promise<void> | undefined {
    if (!this.overCapacity()) return undefined;
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  private checkCapacity(): void {
    if (this.capacityWaiters.length === 0) return;
    const low = this.queue.length <= this.highWater.records / 2 && this.queue.bytes <= this.highWater.bytes / 2;
    if (low || !this.overCapacity()) for (const resume of this.capacityWaiters.splice(0)) resume();
  }

  private minUnsettled(): number {
    let min = this.queue.peek()?.seq ?? Infinity;
    for (const lane of this.lanes) for (const held of lane.holding) min = Math.min(min, (held[0] as LogRecord).seq);
    return min;
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const min = this.minUnsettled();
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.target < min) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  flush(): Promise<void> {
    const target = this.seq;
    if (target < this.minUnsettled()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ target, resolve });
      this.pump();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.state = 'closing';
    this.checkCapacity();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.options.exitTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.abandon('exit');
    this.finish();
    await Promise.all([this.http.close(), this.sink.close()]);
  }

  /** Everything not yet settled goes to the spool (or is counted dropped) now, synchronously. */
  private abandon(reason: DropReason): void {
    this.deadline.abort();
    for (const lane of this.lanes) {
      if (!lane.busy) continue;
      lane.abandoned = true;
      lane.next = undefined;
      for (const held of this.takeHeld(lane)) {
        this.counters.inFlight -= held.length;
        this.undeliverable(held, reason);
      }
    }
    this.undeliverable(this.queue.drain(), reason);
    for (const w of this.waiters.splice(0)) w.resolve();
    for (const resume of this.capacityWaiters.splice(0)) resume();
  }

  private finish(): void {
    this.state = 'closed';
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.uninstall.splice(0)) off();
    this.writeSpool();
    this.spool?.close();
    this.reportDrops();
  }

  closeSync(): void {
    if (this.state === 'closed') return;
    this.abandon('exit');
    this.finish();
    void this.http.close();
  }

  stats(): Stats {
    return {
      ...this.counters,
      buffered: this.queue.length,
      bufferedBytes: this.queue.bytes,
      rejectedReasons: { ...this.counters.rejectedReasons },
      droppedReasons: { ...this.counters.droppedReasons },
    };
  }
}

/**
 * Creates a client for one destination. Options are validated now: a bad
 * option throws a LogferryError naming the field; nothing fails later for it.
 */
export function createClient(options: unknown, hooks: ClientHooks = { exitHooks: true }): Client {
  return new Pipeline(parseOptions(options), hooks);
}

/** The same, for options already parsed (entry points parse once at their edge). */
export function createClientFromResolved(options: ResolvedOptions, hooks: ClientHooks): Client {
  return new Pipeline(options, hooks);
}
