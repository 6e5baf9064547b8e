import { fileURLToPath } from 'node:url';
import TransportStream from 'winston-transport';
import ThreadStream from 'thread-stream';
import {
  createClientFromResolved,
  errorLine,
  installSignalHandlers,
  levelMapFor,
  LogferryError,
  parseOptions,
  type Client,
  type LevelMap,
  type LogferryOptions,
  type ResolvedOptions,
  type Stats,
} from '@logferry/core';
import { LineBatcher } from './lineBatcher.js';
import { writeDone } from './writeDone.js';
import { fastLevelsFor, readerSetup, recordOf, writeLine, type WinstonInfo } from './wire.js';
import type { WinstonWorkerData } from './worker.js';
import { closeByRequest, ERROR_EVENT, STATS_EVENT, statsRequest, type ErrorReport } from './workerMessages.js';

/** logferry's options plus winston-transport's (level, silent, handleExceptions, and `format` as a winston Format object). */
export type LogferryTransportOptions = Omit<LogferryOptions, 'format'> &
  Omit<TransportStream.TransportStreamOptions, 'format'> & { format?: LogferryOptions['format'] | TransportStream.TransportStreamOptions['format'] };
export type { LogferryOptions } from '@logferry/core';

const TRANSPORT_KEYS = new Set(['level', 'format', 'silent', 'handleExceptions', 'handleRejections', 'log', 'logv', 'close']);
/**
 * The worker's code bundled into one module (scripts/bundle.mjs): it starts in a fraction of the time.
 * Found when a worker starts, not at load: in a user's CommonJS bundle import.meta is {}, and
 * the module must still load (and report a bad option) there.
 */
const workerFile = (): string => fileURLToPath(new URL('./worker.bundle.js', import.meta.url));
const NPM_LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

type Thread = ThreadStream & { closed?: boolean; ref(): void; unref(): void; flushSync(): void };

/** The part of the pino/winston-shaped ThreadStream we drive at exit. */
function endAtExit(stream: Thread): void {
  if (stream.closed) return;
  stream.ref();
  try {
    stream.flushSync();
    stream.end();
  } catch {
    // The worker is gone: nothing more can be delivered from here.
  }
}

/** `promise`'s value, or undefined once `deadline` (ms since the epoch) has passed. */
function untilDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A winston transport whose network work runs in a worker thread (through
 * thread-stream, as pino's transports do). `log()` serialises the record and
 * returns at once; `logger.end()` finishes only once everything is delivered
 * (or spooled/dropped by policy, and counted).
 */
export class LogferryTransport extends TransportStream {
  private readonly resolved: ResolvedOptions;
  private readonly raw: Record<string, unknown>;
  private thread: Thread | undefined;
  /** log()'s lines, written into the thread once a turn (see LineBatcher). */
  private lines: LineBatcher | undefined;
  private inline: Client | undefined;
  private statsId = 0;
  private readonly statsWaiters = new Map<number, (stats: Stats) => void>();
  private closing: Promise<void> | undefined;
  /** True while we emit 'error': winston's pipe reacts by unpiping us, which calls close(). */
  private emittingError = false;
  private loggedAfterClose = 0;
  /** The worker's last counters, kept once it has stopped. */
  private finalStats: Stats | undefined;
  /** Levels mapped here for the wire's fast form (see fastLevelsFor); undefined when it is not used. */
  private fastLevels: LevelMap | undefined;

  constructor(options: LogferryTransportOptions) {
    const own: Record<string, unknown> = {};
    const transportOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options ?? {})) {
      // `format` is ours as a string ('text' | 'json' | 'formatted'), winston's as a Format object.
      if (TRANSPORT_KEYS.has(key) && !(key === 'format' && typeof value === 'string')) transportOptions[key] = value;
      else own[key] = value;
    }
    super(transportOptions as TransportStream.TransportStreamOptions);
    // Fail fast, on the main thread, with the field named and no key shown.
    this.resolved = parseOptions(own);
    this.raw = own;
    // Like pino's transports: the worker starts (and opens its first session) once the transport
    // is added to a logger, not on the app's first logger.info() call. After winston-transport's
    // own 'pipe' listener, which takes the logger's levels.
    if (this.resolved.worker) this.once('pipe', () => this.start());
  }

  private levelSet(): Record<string, number> {
    const levels = (this as unknown as { levels?: Record<string, number> }).levels;
    return levels && Object.keys(levels).length > 0 ? levels : NPM_LEVELS;
  }

  private reportError(error: { code: string; message: string }): void {
    const parent = (this as unknown as { parent?: { listenerCount(e: string): number } }).parent;
    // An 'error' nobody listens to would crash the app: only emit when someone does.
    if (parent ? parent.listenerCount('error') > 0 : this.listenerCount('error') > 0) {
      // winston unpipes a transport that emits 'error' (closing it) and then adds it back:
      // that close must not end the transport.
      this.emittingError = true;
      try {
        this.emit('error', new LogferryError(error.code as LogferryError['code'], error.message));
      } finally {
        this.emittingError = false;
      }
    } else {
      process.stderr.write(errorLine(error));
    }
  }

  private start(): void {
    if (this.thread || this.inline) return;
    if (!this.resolved.worker) {
      this.inline = this.createInline();
      return;
    }
    if (this.resolved.handleSignals) {
      // Signals reach only the main thread: here is where they are handled for the worker.
      const off = installSignalHandlers({
        timeoutMs: this.resolved.exitTimeoutMs + 1000,
        flush: () => this.endNow(),
        // 'fatal' is not a winston npm level, but it maps straight to Datamix's fatal.
        logFatal: (error) => this.log({ level: 'fatal', message: 'uncaught exception', err: error }, () => undefined),
      });
      this.once('finish', off);
    }
    const workerData: WinstonWorkerData = { options: this.raw, winstonLevels: this.levelSet() };
    this.fastLevels = fastLevelsFor(this.resolved, workerData.winstonLevels);
    const thread = new ThreadStream({ filename: workerFile(), workerData, sync: false }) as Thread;
    thread.on(ERROR_EVENT, (error: ErrorReport) => this.reportError(error));
    thread.on(STATS_EVENT, (id: number, stats: Stats) => {
      this.statsWaiters.get(id)?.(stats);
      this.statsWaiters.delete(id);
    });
    thread.on('error', (error: Error) => this.workerDied(error));
    // Like pino: the worker does not keep the app alive; at exit, end() blocks until the
    // worker has delivered (or spooled) what is pending, within its exit deadline.
    // beforeExit (the app's loop went idle, it is done): close within exitTimeoutMs. A flush
    // here kept the process alive: for good, as each flush emptied the loop again, or for
    // retry.maxElapsedMs while the API was down.
    const lines = new LineBatcher((text) => thread.write(text));
    const atExit = (): void => {
      lines.drain();
      endAtExit(thread);
    };
    const beforeExit = (): void => {
      lines.drain();
      void this.close();
    };
    thread.on('ready', () => thread.unref());
    process.on('exit', atExit);
    process.on('beforeExit', beforeExit);
    thread.on('close', () => {
      process.off('exit', atExit);
      process.off('beforeExit', beforeExit);
    });
    this.thread = thread;
    this.lines = lines;
  }

  /**
   * The worker died (a bug, or it was killed): say so once, and keep shipping
   * from the main thread with the same options rather than lose what follows.
   */
  private workerDied(error: Error): void {
    if (this.inline || this.closing) return;
    this.reportError({ code: 'LOGFERRY_WORKER', message: `logferry worker failed (${error.message}); continuing on the main thread` });
    this.thread = undefined;
    this.lines = undefined;
    this.inline = this.createInline();
  }

  /** The core on the main thread (`worker: false`, or after the worker died). */
  private createInline(): Client {
    // The records are recordOf's, read as the worker reads the wire's lines.
    const reader = readerSetup(this.levelSet());
    return createClientFromResolved(this.resolved, {
      levels: levelMapFor(this.resolved.levels, reader.levels),
      messageKey: reader.messageKey,
      exitHooks: true,
      onError: (error) => this.reportError(error),
    });
  }

  override log(info: WinstonInfo, next: () => void): void {
    if (this.closing && !this.inline) {
      // The worker is ending or gone: say so once rather than lose records silently.
      if (this.loggedAfterClose++ === 0) {
        this.reportError({ code: 'LOGFERRY_CLOSED', message: 'records logged after the transport was closed are dropped' });
      }
      next();
      return;
    }
    this.start();
    const now = Date.now();
    const formatted = this.resolved.format === 'formatted';
    if (this.inline) this.inline.log(recordOf(info, now, formatted));
    else this.lines?.add(writeLine(info, now, formatted, this.fastLevels));
    writeDone(this, next);
  }

  /** Resolves once everything logged so far is delivered (or spooled/dropped and counted). */
  flush(): Promise<void> {
    if (this.inline) return this.inline.flush();
    const thread = this.thread;
    if (!thread) return Promise.resolve();
    this.lines?.drain();
    return new Promise((resolve) => thread.flush(() => resolve()));
  }

  /** The core's counters (see @logferry/core Stats), fetched from the worker. */
  stats(): Promise<Stats | undefined> {
    if (this.inline) return Promise.resolve(this.inline.stats());
    const thread = this.thread;
    if (!thread || thread.closed || this.finalStats) return Promise.resolve(this.finalStats);
    const id = ++this.statsId;
    return new Promise((resolve) => {
      this.statsWaiters.set(id, resolve);
      // thread-stream's documented way to post to its worker (its `worker` field is private).
      thread.emit('message', statsRequest(id));
    });
  }

  /** Delivers what is queued, then stops the worker. Safe to call more than once. */
  override close(): Promise<void> {
    if (this.emittingError) return Promise.resolve();
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * On a signal: end the worker now. thread-stream's end() blocks until the worker
   * has delivered what it holds or spooled it at its deadline, even with the server down.
   */
  private endNow(): Promise<void> {
    const thread = this.thread;
    if (this.inline) return this.close();
    if (!thread || thread.closed) return Promise.resolve();
    // end() usually blocks until the worker is done, but returns early while a write is in flight: wait for 'close'.
    this.closing ??= new Promise<void>((resolve) => {
      thread.once('close', () => resolve());
      this.lines?.drain();
      endAtExit(thread);
    });
    return this.closing;
  }

  /**
   * Settles within `exitTimeoutMs`, whatever the API does: the worker is told
   * the deadline, delivery is awaited (async, the app keeps running) until
   * then, and end() makes the worker spool or report what is left and stop.
   * The blocking part of end() is then short.
   */
  private async shutdown(): Promise<void> {
    if (this.inline) {
      await this.inline.close();
      return;
    }
    const thread = this.thread;
    if (!thread || thread.closed) return;
    const deadline = Date.now() + this.resolved.exitTimeoutMs;
    thread.emit('message', closeByRequest(deadline));
    await untilDeadline(this.flush(), deadline);
    this.finalStats = await untilDeadline(this.stats(), deadline);
    await new Promise<void>((resolve) => {
      thread.once('close', () => resolve());
      // The worker is unref'd: without this the app's loop could empty and the process exit before 'close' (and 'finish').
      thread.ref();
      thread.end();
    });
  }

  // winston's logger.end() waits for each transport's 'finish': it comes after delivery.
  override _final(callback: (error?: Error | null) => void): void {
    this.close().then(() => callback(), (error: Error) => callback(error));
  }
}


export default LogferryTransport;
