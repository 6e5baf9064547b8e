import { Writable } from 'node:stream';
import type { Client } from '../pipeline/client.js';
import { createClientFromResolved } from './createClient.js';
import { LogferryError } from '../errors/logferryError.js';
import { levelMapFor } from '../record/levels.js';
import { parseOptions, type ResolvedOptions } from '../options/options.js';
import type { Stats } from '../pipeline/stats.js';

/** The logger's own levels, as the adapter learned them (see levelMapFor). */
export type LoggerLevels = NonNullable<Parameters<typeof levelMapFor>[1]>;

/** What the adapter learned from its host; core needs no knowledge of the host itself. */
export interface WorkerStreamSetup {
  /** The logger's level set; without it, pino's standard levels. */
  levels?: LoggerLevels;
  /** The key of the message in each line; default `msg`. */
  messageKey?: string;
  /** Receives error reports in the worker. */
  onError: (error: LogferryError) => void;
}

/**
 * The stream handed to thread-stream: `flush(cb)` is what thread-stream calls
 * for `logger.flush(cb)`; `stats()` is for an adapter that reports them (only
 * the drop count when the options were bad and there is no client).
 */
export type WorkerStream = Writable & {
  flush(cb: (err?: Error | null) => void): void;
  stats(): Stats | Pick<Stats, 'dropped'>;
  /**
   * The host's end() must be done by `at` (ms since the epoch): the close at
   * the stream's end gets only what is left of that deadline, not a whole
   * `exitTimeoutMs` more.
   */
  closeBy(at: number): void;
  /** The stream is ending (its end() was called): the host's thread is blocked in end() or exiting, so reports should not wait on it. */
  closing(): boolean;
};

/** Lines split per event-loop turn before yielding to I/O (see splitFrom). */
const LINES_PER_TURN = 1000;

/** Text taken from thread-stream and not yet split, at most (UTF-16 units; see below): 8 Mi, or a quarter of `buffer.maxBytes` if less. */
const MAX_WAITING_CHARS = 8 * 1024 * 1024;

/**
 * The destination a worker thread hands to thread-stream: text in, split into
 * lines by hand (split2's regex and object-mode streams cost ~10% of the
 * worker), the core pipeline behind. The adapter hands over its logger's
 * levels and message key (for pino, learned from pino's config handshake). `flush()` resolves once every
 * line written before it is delivered (thread-stream forwards
 * `logger.flush(cb)` here); ending the stream closes the client within its exit
 * deadline, so pino's exit wait covers it. Bad options never throw here (that
 * would crash the host app through an unhandled 'error'): they are reported
 * once and the records are counted as dropped.
 */
export async function createWorkerStream(rawOptions: unknown, setup: WorkerStreamSetup): Promise<WorkerStream> {
  let options: ResolvedOptions | undefined;
  try {
    options = parseOptions(rawOptions);
  } catch (error) {
    setup.onError(error instanceof LogferryError ? error : new LogferryError('LOGFERRY_BAD_OPTION', String(error)));
  }
  let client: Client | undefined;
  if (options) {
    const levels = levelMapFor(options.levels, setup.levels);
    try {
      client = createClientFromResolved(options, { levels, onError: setup.onError, exitHooks: false, openAtStart: true, messageKey: setup.messageKey ?? 'msg' });
    } catch (error) {
      // A key file that cannot be read: reported like a bad option, never thrown into the host app.
      setup.onError(error instanceof LogferryError ? error : new LogferryError('LOGFERRY_WORKER', String(error)));
    }
  }
  const active = client;
  const maxWaiting = Math.min(MAX_WAITING_CHARS, (options?.buffer.maxBytes ?? Infinity) / 4);
  let dropped = 0;
  let partial = '';
  let ending = false;
  let deadlineAt: number | undefined;

  const onLine = (line: string): void => {
    if (!active) {
      dropped++;
      return;
    }
    try {
      active.logLine(line);
    } catch (error) {
      // A bug must cost one record, not the worker (its death would reach the host app).
      setup.onError(new LogferryError('LOGFERRY_WORKER', `could not process a log line: ${(error as Error).message}`));
    }
  };

  // A chunk can hold tens of thousands of lines (thread-stream hands over
  // whatever accumulated while the worker was busy). Splitting it in one go
  // would keep the event loop from answering HTTP responses, so the lanes
  // would idle while the queue grows: split LINES_PER_TURN lines, then yield.
  // When the API answers but is behind, wait for the client's capacity before
  // splitting more. Meanwhile chunks are still taken as they come, up to
  // `maxWaiting` characters of unsplit text: a backlog then waits here as the
  // text itself (no per-line objects) rather than in the app's thread, where
  // thread-stream keeps one Buffer per line once its shared buffer is full
  // (far more memory than the text). Past `maxWaiting` the
  // write callback is held and thread-stream stops reading. Nothing is
  // dropped for a mere burst.
  const waiting: string[] = [];
  let waitingChars = 0;
  /** The write callback held while more than `maxWaiting` characters wait (thread-stream stops reading meanwhile). */
  let held: ((error?: Error | null) => void) | undefined;
  let splitting = false;
  const afterSplit: (() => void)[] = [];

  const release = (): void => {
    if (held && waitingChars <= maxWaiting) {
      const callback = held;
      held = undefined;
      callback();
    }
  };
  /** Passes one line on: a trailing CR (CRLF) dropped, a blank line skipped. */
  const emit = (line: string): void => {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line !== '') onLine(line);
  };
  /** Lines the last splitLines call passed on. */
  let split = 0;
  /**
   * The per-line work, alone: passes the lines of `text` from `start` to the
   * client until the text has no whole line left, `maxLines` were passed, or
   * (when `watch`) the client's backlog passed its high-water mark; returns
   * where it stopped. V8 optimises this loop with the client's intake inlined,
   * and the first time optimised code meets a path it has never run, it is
   * thrown away and compiled again; so a chunk's end, a line begun in an
   * earlier chunk, and the waits are splitFrom's, which runs once per turn
   * (with them in the loop's function, V8 compiled it again for each of them,
   * in every worker).
   */
  const splitLines = (text: string, start: number, maxLines: number, watch: boolean): number => {
    let lines = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      emit(text.slice(start, nl));
      start = nl + 1;
      if (++lines === maxLines || (watch && active?.backlogged())) break;
    }
    split = lines;
    return start;
  };
  /** Splits the waiting chunks in order, from `from` in the first one, LINES_PER_TURN lines per turn. */
  const splitFrom = (from: number): void => {
    splitting = true;
    let budget = LINES_PER_TURN;
    let watch = true;
    while (waiting.length > 0) {
      const text = waiting[0] as string;
      if (from === 0 && partial !== '') {
        // The chunk's first line began in an earlier chunk: join just that line (concatenating the whole chunk would copy it).
        const nl = text.indexOf('\n');
        if (nl !== -1) {
          emit(partial + text.slice(0, nl));
          partial = '';
          from = nl + 1;
        }
      }
      const start = splitLines(text, from, budget, watch);
      budget -= split;
      from = start;
      if (text.indexOf('\n', start) === -1) {
        // No whole line left in this chunk: its tail starts the next line.
        waiting.shift();
        waitingChars -= text.length;
        partial = start === 0 ? partial + text : partial + text.slice(start);
        from = 0;
        release();
        if (waiting.length === 0) break;
      }
      const resumeAt = from;
      if (budget === 0) {
        setImmediate(() => splitFrom(resumeAt));
        return;
      }
      if (watch && active?.backlogged()) {
        const wait = active.capacity();
        if (wait) {
          void wait.then(() => splitFrom(resumeAt));
          return;
        }
        // Backlogged with nothing to wait for (an outage, closing, no backpressure): split this turn's rest unwatched.
        watch = false;
      }
    }
    splitting = false;
    for (const resume of afterSplit.splice(0)) resume();
  };

  const writable = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      waiting.push(text);
      waitingChars += text.length;
      if (!splitting) splitFrom(0);
      if (waitingChars > maxWaiting) held = callback;
      else callback();
    },
    final(callback) {
      ending = true;
      const finish = (): void => {
        // A last line without its newline: a trailing CR (CRLF) is dropped as on any other line.
        if (partial !== '') emit(partial);
        partial = '';
        const close = active ? active.close(deadlineAt === undefined ? undefined : deadlineAt - Date.now()) : Promise.resolve();
        close.then(() => callback(), (err: Error) => callback(err));
      };
      if (splitting) afterSplit.push(finish);
      else finish();
    },
  });

  const flush = (cb: (err?: Error | null) => void): void => {
    // Lines of a chunk still being split were written before the flush: wait for them first.
    const flushClient = (): void => {
      (active ? active.flush() : Promise.resolve()).then(() => cb(), (err: Error) => cb(err));
    };
    if (splitting) afterSplit.push(flushClient);
    else flushClient();
  };
  const stats = (): Stats | Pick<Stats, 'dropped'> => active?.stats() ?? { dropped };
  const closeBy = (at: number): void => {
    deadlineAt = Math.min(at, deadlineAt ?? Infinity);
  };
  return Object.assign(writable, { flush, stats, closeBy, closing: () => ending });
}
