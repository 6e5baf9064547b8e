import { CarryOver, type KeyValueStore } from './carryOver.js';
import { DatamixSink, Intake, levelMapFor, ServerClock, type LogInput, type LogRecord } from '@logferry/core/portable';
import { FetchHttp } from './fetchHttp.js';
import { resolveBrowserOptions } from './options.js';
import { watchErrors, watchPage } from './pageEvents.js';
import { sessionSource } from './sessionSource.js';
import { Shipper } from './shipper.js';
import type { BrowserLogger, BrowserLoggerOptions, BrowserStats, Level } from './types.js';

/** Used only when a session names no `url` (browserSessionHandler always does). */
const DATAMIX_URL = 'https://datamix.mixbook.com';

function emptyStats(): BrowserStats {
  return { logged: 0, delivered: 0, rejected: 0, filtered: 0, restamped: 0, dropped: 0, carried: 0, restored: 0, sessions: 0, requests: 0, retries: 0, keepalive: 0, buffered: 0 };
}

/** localStorage, where the page may use it (a sandboxed frame throws on access). */
function localStore(): KeyValueStore | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/**
 * A logger for one page (tab): records go straight to Datamix on sessions
 * the app's server mints (`session()`), through core's record, protocol and
 * retry rules. The page lifecycle is handled: hidden → sent at once with
 * keepalive; pagehide → one last keepalive request and the rest kept in
 * localStorage for the next page load; back/forward cache → a new session.
 */
export function createBrowserLogger(options: BrowserLoggerOptions): BrowserLogger {
  const resolved = resolveBrowserOptions(options);
  const stats = emptyStats();
  const report = (error: Error & { code: string }): void => {
    try {
      options.onError?.(error);
    } catch {
      // The app's handler must not break logging.
    }
  };
  const store = resolved.carryOver && localStore();
  const carry = store && resolved.carryOver ? new CarryOver(store, `logferry:${resolved.carryOver.name}`, resolved.carryOver.maxBytes) : undefined;

  const newShipper = (): Shipper => {
    const http = new FetchHttp(stats);
    const clock = new ServerClock();
    const source = sessionSource(options.session, () => shipper.unloaded, options.allowInsecure === true, clock, () => stats.sessions++);
    // The key is never here: sessions come from `source`.
    const sinkOptions = { type: 'datamix' as const, apiKey: '', url: DATAMIX_URL, sessions: 1 };
    const sink = new DatamixSink(sinkOptions, resolved.stale, resolved.retry.requestTimeoutMs, http, clock, () => undefined, source);
    const next: Shipper = new Shipper(resolved, { sink, http, carry, stats, report });
    return next;
  };
  let shipper: Shipper = newShipper();
  const intake = new Intake({ levels: levelMapFor(options.levels), messageKey: 'msg', format: 'text', fieldNames: [], sizeOf: (n) => n + 64 });

  const add = (record: LogRecord): void => shipper.add(record);
  const restore = (): void => {
    if (!carry) return;
    const entries = carry.take();
    stats.restored += entries.length;
    for (const entry of entries) add(intake.fromEntry(entry));
  };
  restore();

  const log = (input: LogInput): void => {
    try {
      stats.logged++;
      add(intake.fromInput(input, Date.now()));
    } catch {
      // Logging never throws into the page (a getter that throws, say): the record is counted lost.
      stats.dropped++;
    }
  };
  const at = (level: Level) => (message: unknown, fields?: Record<string, unknown>): void => {
    const input: LogInput = { ...fields, level, time: Date.now() };
    if (message instanceof Error) {
      input.msg = message.message;
      input.err = message;
    } else {
      input.msg = message;
    }
    log(input);
  };

  const unwatch = [
    watchPage({
      hidden: () => shipper.setHurry(true),
      visible: () => shipper.setHurry(false),
      unload: () => shipper.unload(),
      restored: () => {
        // The token used at pagehide may have been spent by its keepalive request: start over on a new session.
        shipper = newShipper();
        restore();
      },
    }),
  ];
  if (options.captureErrors) unwatch.push(watchErrors((error, fields) => at('error')(error, fields)));

  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    log: (record) => log(record as LogInput),
    flush: () => shipper.flush(),
    stats: () => ({ ...stats, buffered: shipper.buffered }),
    close() {
      for (const off of unwatch.splice(0)) off();
      shipper.unload();
    },
  };
}
