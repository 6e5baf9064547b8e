import { LogferryError, redact } from '../errors/logferryError.js';
import { countReason, type DropReason, type Stats } from './stats.js';

const REPORT_INTERVAL_MS = 10_000;

/**
 * Error and drop reports, for the user's `onError`: redacted (no key or
 * token, whatever the message says) and rate-limited, so a dead API or an
 * overload gives a line every 10 s, not one per record. `stats().lastError`
 * always has the latest.
 */
export class Reports {
  private readonly reported = new Map<string, number>();
  private readonly unreported = new Map<DropReason, number>();
  private lastDropReport = 0;
  private dropTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last error reported (not a drop report): the "why" of records lost at the exit deadline. */
  private lastFailure: LogferryError | undefined;
  /** Set when close() ran out of time: what the exit drop report says of it. */
  private deadline: string | undefined;

  constructor(
    private readonly counters: Stats,
    private readonly secrets: readonly string[],
    private readonly onError: ((error: LogferryError) => void) | undefined,
    /** Whether undeliverable records go to a spool (the drop report then says nothing of setting one). */
    private readonly spooling: boolean,
  ) {}

  /** Reports an error, at most once per interval for the same code and text. */
  error(error: LogferryError): void {
    const now = Date.now();
    this.lastFailure = error;
    const key = `${error.code}:${error.message}`;
    const last = this.reported.get(key);
    if (last !== undefined && now - last < REPORT_INTERVAL_MS) {
      this.counters.lastError = { code: error.code, message: redact(error.message, this.secrets), at: new Date(now).toISOString() };
      return;
    }
    if (this.reported.size > 100) this.reported.clear();
    this.reported.set(key, now);
    this.emit(error);
  }

  /**
   * Counts lost records. Under overload this runs for every record, so the
   * report is one summary per interval with the real count, built only then.
   */
  dropped(n: number, reason: DropReason): void {
    this.counters.dropped += n;
    countReason(this.counters.droppedReasons, reason, n);
    if (reason === 'auth' || reason === 'quota') return; // the error that stopped sending was reported once
    this.unreported.set(reason, (this.unreported.get(reason) ?? 0) + n);
    const wait = this.lastDropReport + REPORT_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flushDrops();
    else if (!this.dropTimer) {
      this.dropTimer = setTimeout(() => this.flushDrops(), wait);
      (this.dropTimer as { unref?: () => void }).unref?.();
    }
  }

  /**
   * Closing ran out of time (`what`: within which deadline) with `unanswered`
   * records still in requests: the drop report that follows says so, and why
   * (the last error).
   */
  deadlinePassed(what: string, unanswered: number): void {
    const failure = this.lastFailure;
    const why = failure
      ? `; last error ${failure.code}: ${failure.message}`
      : unanswered > 0
        ? '; the API had not answered'
        : '';
    this.deadline = `not delivered ${what}${why}`;
  }

  /** Reports the drops counted since the last report now (at close, say). */
  flushDrops(): void {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    if (this.unreported.size === 0) return;
    this.lastDropReport = Date.now();
    const parts = [...this.unreported].map(([reason, n]) => (reason === 'exit' && this.deadline ? `${n} (exit: ${this.deadline})` : `${n} (${reason})`));
    this.unreported.clear();
    this.emit(new LogferryError('LOGFERRY_DROPPED', `log records dropped: ${parts.join(', ')}${this.spooling ? '' : '; set spool.path to keep them'}`));
  }

  private emit(error: LogferryError): void {
    const message = redact(error.message, this.secrets);
    this.counters.lastError = { code: error.code, message, at: new Date().toISOString() };
    const safe = message === error.message ? error : new LogferryError(error.code, message);
    try {
      this.onError?.(safe);
    } catch {
      // A throwing error handler must not break the pipeline.
    }
  }
}
