import { LogferryError } from '../errors/logferryError.js';
import type { SendResult } from '../protocols/sink.js';
import { sleep } from '../timing/sleep.js';
import { nextDelay, type RetryPolicy } from './retrySchedule.js';

type Final = Extract<SendResult, { kind: 'delivered' | 'split' | 'fatal' }>;
export type RetryFailure = Extract<SendResult, { kind: 'retry' }>;

/**
 * What retrying one batch came to: the sink's final answer; `gave-up` once
 * the next wait would pass `maxElapsedMs`; `stopped` when the lane was
 * abandoned or the deadline passed (the batch was taken elsewhere then);
 * `blocked` when the pipeline refused further attempts (a bad key).
 */
export type RetryOutcome = Final | { kind: 'gave-up'; error: LogferryError } | { kind: 'stopped' } | { kind: 'blocked' };

/** What the pipeline hears of, and decides, while one batch is retried. */
export interface RetryHooks {
  /** Before each attempt: false refuses it. */
  mayAttempt(): boolean;
  /** Each failed attempt, retried or not. */
  failed(failure: RetryFailure): void;
  /** The retry will wait `delayMs` first. */
  waiting(failure: RetryFailure, delayMs: number): void;
  /** The lane was abandoned (answers are ignored from then on). */
  abandoned(): boolean;
  /** Someone waits (flush, close): the wait keeps the process alive. */
  hurry(): boolean;
}

/**
 * Sends one batch until the sink gives a final answer: backoff with jitter,
 * never less than the server's Retry-After, an immediate retry when the sink
 * asks for one (a renewed session), bounded by `maxElapsedMs` and cut short by
 * `deadline`. The sink speaks the protocol; this decides only when to try again.
 */
export async function sendWithRetry(
  send: () => Promise<SendResult>,
  count: number,
  policy: RetryPolicy,
  deadline: AbortSignal,
  hooks: RetryHooks,
): Promise<RetryOutcome> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (!hooks.mayAttempt()) return { kind: 'blocked' };
    const result = await send();
    if (hooks.abandoned()) return { kind: 'stopped' };
    if (result.kind !== 'retry') return result;
    hooks.failed(result);
    if (deadline.aborted) return { kind: 'stopped' };
    if (result.immediate) continue;
    const delay = nextDelay(attempt, policy, result.retryAfterMs);
    if (Date.now() + delay - started > policy.maxElapsedMs) {
      return { kind: 'gave-up', error: new LogferryError('LOGFERRY_GAVE_UP', `gave up on ${count} records after ${attempt + 1} attempts: ${result.error.message}`) };
    }
    hooks.waiting(result, delay);
    await sleep(delay, deadline, hooks.hurry());
    if (hooks.abandoned()) return { kind: 'stopped' };
  }
}
