/** A reset time below this is a count of seconds from now, not a Unix time (1e9 s is 2001). */
const RELATIVE_BELOW = 1e9;
/** A reset further away than this is not believed (a unit mix-up); a 429's Retry-After still holds. */
const MAX_WAIT_MS = 120_000;

/**
 * What the server's `X-RateLimit-Remaining` / `X-RateLimit-Reset` said is
 * left of its window, so a client waits for the reset instead of being
 * refused. Between answers it counts its own requests down; past the reset,
 * or before any answer, it does not hold anything back (the pacer still does).
 */
export class RateBudget {
  private remaining = Infinity;
  private resetAtMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** An answer's headers: the remaining requests and the reset (Unix seconds, or seconds from now). Unreadable ones are ignored. */
  observe(remainingHeader: string | undefined, resetHeader: string | undefined): void {
    const remaining = Number(remainingHeader);
    const reset = Number(resetHeader);
    if (remainingHeader === undefined || resetHeader === undefined || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    const now = this.now();
    const resetAtMs = reset < RELATIVE_BELOW ? now + reset * 1000 : reset * 1000;
    if (resetAtMs - now > MAX_WAIT_MS) return;
    this.remaining = remaining;
    this.resetAtMs = resetAtMs;
  }

  /** Milliseconds to wait before the next request may go; 0 when it may go now. */
  wait(): number {
    const now = this.now();
    if (now >= this.resetAtMs) this.remaining = Infinity;
    return this.remaining >= 1 ? 0 : Math.ceil(this.resetAtMs - now);
  }

  /** A request goes now: one less is left until the server says otherwise. */
  take(): void {
    this.remaining -= 1;
  }
}
