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

/** The wait before the next attempt: the server's Retry-After when it gave one, never less than backoff. */
export function nextDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random?: () => number): number {
  const backoff = backoffDelay(attempt, policy, random);
  return retryAfterMs === undefined ? backoff : Math.max(retryAfterMs, Math.min(backoff, policy.baseMs));
}
