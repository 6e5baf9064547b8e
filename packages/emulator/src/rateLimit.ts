import type { Clock } from './clock.js';

export interface RateWindow {
  /** Requests a window allows. */
  limit: number;
  windowMs: number;
}

export type RateVerdict = { allowed: boolean; headers: Record<string, string> };

/**
 * Initial State's rate limit: each access key gets `limit` requests per
 * fixed window of `windowMs` (3 a second measured over 10 s, so bursts pass),
 * and every answer says what is left (`X-RateLimit-*`); a refused one also
 * says when to come back (`Retry-After`, whole seconds).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly rule: RateWindow | undefined,
    private readonly clock: Clock,
  ) {}

  /** Counts one request for `key` when the window has room. */
  take(key: string): RateVerdict {
    if (this.rule === undefined) return { allowed: true, headers: {} };
    const { limit, windowMs } = this.rule;
    const now = this.clock();
    // Windows are aligned to the clock (every 10 s on the 10 s), so a reset in whole seconds is exact.
    const start = Math.floor(now / windowMs) * windowMs;
    let window = this.windows.get(key);
    if (window === undefined || window.start !== start) {
      window = { start, used: 0 };
      this.windows.set(key, window);
    }
    const end = window.start + windowMs;
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(limit - window.used),
      // Unix seconds, rounded up (for a window that is not whole seconds): a client that waits until then is past the window.
      'X-RateLimit-Reset': String(Math.ceil(end / 1000)),
    };
    if (!allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil((end - now) / 1000)));
    return { allowed, headers };
  }
}
