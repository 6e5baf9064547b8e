export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxElapsedMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random,
 * so retries spread out but never collapse to zero.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** `Retry-After` as delta-seconds or an HTTP-date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP-date names its day and month; Date.parse would also read '-1' or '2,5' as dates.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before the next attempt: the server's Retry-After when it gave one, never less than backoff. */
export function nextDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random?: () => number): number {
  const backoff = backoffDelay(attempt, policy, random);
  return retryAfterMs === undefined ? backoff : Math.max(retryAfterMs, Math.min(backoff, policy.baseMs));
}
