import type { LogferryError } from '../errors/logferryError.js';
import type { LogEntry } from '../intake/intake.js';
import type { LevelMap } from '../record/levels.js';
import type { LogInput, LogRecord } from '../record/record.js';
import type { Stats } from './stats.js';

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
  logEntry(entry: LogEntry): void;
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
  /**
   * Flushes within `exitTimeoutMs` (or `withinMs`, when a caller has already
   * spent part of that deadline), spools (or counts as dropped and reports)
   * what is left, and releases connections.
   */
  close(withinMs?: number): Promise<void>;
  /** At process exit, when nothing async can run: spool synchronously what is still unsettled. */
  closeSync(): void;
  stats(): Stats;
}
