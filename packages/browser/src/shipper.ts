import { RecordQueue, sendWithRetry, type DatamixSink, type LogRecord, type RetryHooks, type RetryOutcome, type RetryPolicy, type WhenFull } from '@logferry/core/portable';
import type { CarryOver } from './carryOver.js';
import type { FetchHttp } from './fetchHttp.js';
import { keepaliveShare, wireBytes } from './keepalive.js';
import type { BrowserStats } from './types.js';

export interface ShipperOptions {
  batch: { maxEvents: number; maxBytes: number; intervalMs: number };
  buffer: { maxBytes: number; whenFull: WhenFull };
  retry: RetryPolicy;
}

export interface ShipperParts {
  sink: DatamixSink;
  http: FetchHttp;
  carry: CarryOver | undefined;
  stats: BrowserStats;
  report: (error: Error & { code: string }) => void;
}

/**
 * One page's sender: core's bounded RecordQueue, one Datamix session (one
 * request in flight, the token chain is the sink's), each batch through
 * core's sendWithRetry. `unload()` is the page going away: synchronously, one
 * last keepalive request on the current token if none is under way, and what
 * did not go to the carry-over. A shipper that unloaded is done: a page
 * restored from the back/forward cache gets a new one, so a new session (the
 * unload token's successor is never known).
 */
export class Shipper {
  // #private members: the page's bundle budget, as esbuild shortens their names.
  readonly #queue: RecordQueue;
  /** The batch being sent (a request under way, a retry's wait, or a session request first). */
  #current: LogRecord[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #hurry = false;
  #stopped = false;
  #waiters: (() => void)[] = [];
  readonly #deadline = new AbortController();
  readonly #options: ShipperOptions;
  readonly #parts: ShipperParts;

  constructor(options: ShipperOptions, parts: ShipperParts) {
    this.#options = options;
    this.#parts = parts;
    this.#queue = new RecordQueue(options.buffer.maxBytes, options.buffer.whenFull);
  }

  get unloaded(): boolean {
    return this.#stopped;
  }

  get buffered(): number {
    return this.#queue.length + (this.#current?.length ?? 0);
  }

  add(record: LogRecord): void {
    if (this.#stopped) {
      // Logged after unload (a pagehide listener of the app's): only the carry-over can take it.
      this.#carry([record]);
      return;
    }
    const dropped = this.#queue.push(record, Date.now());
    this.#parts.stats.dropped += dropped.length;
    this.#schedule();
  }

  /** While the page is hidden, batches go at once (the page may be discarded without another event). */
  setHurry(on: boolean): void {
    this.#hurry = on;
    this.#schedule();
  }

  flush(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#schedule();
    });
  }

  #idle(): boolean {
    return this.#stopped || (this.#queue.length === 0 && this.#current === undefined);
  }

  #schedule(): void {
    if (this.#current || this.#stopped) return;
    const { maxEvents, maxBytes, intervalMs } = this.#options.batch;
    const now = Date.now();
    if (this.#queue.length > 0 && (this.#hurry || this.#waiters.length > 0 || this.#queue.ready(maxEvents, maxBytes, intervalMs, now))) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#run();
    } else if (!this.#timer && this.#queue.length > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, Math.max(0, intervalMs - (now - this.#queue.oldestAt)));
    }
    if (this.#idle()) this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  async #run(): Promise<void> {
    const { batch, retry } = this.#options;
    const { sink, stats } = this.#parts;
    const records = this.#queue.take(batch.maxEvents, batch.maxBytes);
    this.#current = records;
    const hooks: RetryHooks = {
      mayAttempt: () => {
        stats.requests++;
        return true;
      },
      failed: () => undefined,
      waiting: (failure) => {
        stats.retries++;
        this.#parts.report(failure.error);
      },
      abandoned: () => this.#stopped,
      hurry: () => true,
    };
    const outcome = await sendWithRetry(() => sink.send(0, records, this.#deadline.signal), records.length, retry, this.#deadline.signal, hooks);
    // After unload the records are unload()'s: sent with keepalive, or carried.
    if (this.#stopped) return;
    this.#current = undefined;
    this.#settle(records, outcome);
    this.#schedule();
  }

  #settle(records: LogRecord[], outcome: RetryOutcome): void {
    const { stats, report } = this.#parts;
    switch (outcome.kind) {
      case 'delivered':
        stats.delivered += records.length - outcome.rejected.length - outcome.outOfWindow.length;
        stats.rejected += outcome.rejected.length;
        stats.filtered += outcome.outOfWindow.length;
        stats.restamped += outcome.restamped;
        if (outcome.notice) report(outcome.notice);
        return;
      case 'split':
        // Datamix documents no size limit and a batch is at most 60 KiB: a 413 refuses the batch, never retried.
        stats.rejected += records.length;
        return;
      case 'gave-up':
      case 'fatal':
        report(outcome.error);
        stats.dropped += records.length;
        return;
      case 'blocked':
      case 'stopped':
        stats.dropped += records.length;
        return;
    }
  }

  /**
   * The page is going away (pagehide, or close()): synchronous, since nothing
   * async is sure to run after. The batch under way, if its request is on the
   * wire, is left to its keepalive request. Otherwise what waits goes in one
   * keepalive request on the current token, as much as fits 64 KiB; what does
   * not fit, or everything when the token is not at hand (a session request
   * would be needed), is carried to the next page load.
   */
  unload(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    const { http, sink } = this.#parts;
    http.unloading = true;
    const onWire = this.#current !== undefined && http.inFlight > 0;
    let rest = [...(onWire ? [] : (this.#current ?? [])), ...this.#queue.drain()];
    this.#current = undefined;
    if (!onWire && rest.length > 0) {
      const share = keepaliveShare(rest.map(wireBytes), http.keepaliveBytes);
      const last = rest.slice(0, share);
      const posted = http.posted;
      // The sink reaches fetch synchronously when it has a token; when it would first need a session, nothing goes.
      if (share > 0) {
        http.permitOne = true;
        void sink.send(0, last, new AbortController().signal).then((result) => {
          if (result.kind === 'retry') this.#parts.stats.dropped += last.length;
          else this.#settle(last, result);
        });
        http.permitOne = false;
      }
      if (http.posted > posted) rest = rest.slice(share);
    }
    this.#carry(rest);
    this.#release();
  }

  #carry(records: LogRecord[]): void {
    if (records.length === 0) return;
    const { carry, stats } = this.#parts;
    const refused = carry ? carry.save(records) : records.length;
    stats.carried += records.length - refused;
    stats.dropped += refused;
  }
}
