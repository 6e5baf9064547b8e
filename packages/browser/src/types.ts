/** Datamix's levels. */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * What the page's `session()` resolves to: what `browserSessionHandler` on
 * your server answers (a Datamix session, never the API key).
 */
export interface SessionAnswer {
  token: string;
  /** ms since the epoch, by Datamix's clock. */
  expires: number;
  system: string;
  application: string;
  environment: string;
  /** Datamix's base URL (default https://datamix.mixbook.com). */
  url?: string;
  /** Datamix's clock when the session was made (browserSessionHandler sends it): the time window is judged by it. */
  serverTime?: number;
}

export interface BrowserLoggerOptions {
  /** Asks your own server (authenticated as your app does) for a Datamix session: called at start, before `expires`, and after a 401/403. */
  session: () => Promise<SessionAnswer>;
  /** When a batch goes: `maxEvents` records, about `maxBytes` (at most 60 KiB, so a batch fits a keepalive request), or `intervalMs` after its first record. */
  batch?: { maxEvents?: number; maxBytes?: number; intervalMs?: number };
  /** The bound on what waits in memory (while Datamix is unreachable); overflow is dropped and counted. */
  buffer?: { maxBytes?: number; whenFull?: 'drop-oldest' | 'drop-newest' };
  retry?: { baseMs?: number; maxMs?: number; maxElapsedMs?: number; requestTimeoutMs?: number };
  /** Records outside Datamix's time window (10 minutes back, 10 s ahead): dropped and counted, or sent with the time now. */
  stale?: 'drop' | 'restamp';
  /** Level name → Datamix level (or a number: a pino custom level's value). */
  levels?: Record<string, Level | number>;
  /** Log `window.onerror` and `unhandledrejection` at error level, with the stack. */
  captureErrors?: boolean;
  /**
   * Where records that could not go at unload wait for the next page load of
   * this origin (localStorage, under `logferry:<name>`); false: not kept.
   */
  carryOver?: { name?: string; maxBytes?: number } | false;
  /** Allow a session `url` with plain http:// to a host other than loopback. */
  allowInsecure?: boolean;
  /** Hears every failure (never with a token in it). */
  onError?: (error: Error & { code: string }) => void;
}

export interface BrowserStats {
  logged: number;
  delivered: number;
  /** Refused by Datamix (never retried). */
  rejected: number;
  /** Outside the time window and dropped (stale: 'drop'). */
  filtered: number;
  restamped: number;
  /** Lost: buffer overflow, retries given up, carry-over full. */
  dropped: number;
  /** Kept in localStorage at unload for the next page load. */
  carried: number;
  /** Taken from localStorage at start (what an earlier page load carried). */
  restored: number;
  sessions: number;
  requests: number;
  retries: number;
  /** Requests sent with keepalive (they outlive the page). */
  keepalive: number;
  buffered: number;
}

export interface BrowserLogger {
  debug(message: unknown, fields?: Record<string, unknown>): void;
  info(message: unknown, fields?: Record<string, unknown>): void;
  warn(message: unknown, fields?: Record<string, unknown>): void;
  error(message: unknown, fields?: Record<string, unknown>): void;
  fatal(message: unknown, fields?: Record<string, unknown>): void;
  /** One record as an object: `level`, `time`, `msg` and any fields (the server's `client.log()`). */
  log(record: Record<string, unknown>): void;
  /** Resolves once everything logged before it is delivered, rejected or dropped. */
  flush(): Promise<void>;
  stats(): BrowserStats;
  /** Sends what is left as at unload (keepalive, the rest carried) and stops listening to the page. */
  close(): void;
}
