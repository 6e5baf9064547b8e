import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, nextDelay, type RetryPolicy } from '../src/pipeline/retrySchedule.js';
import { parseRetryAfter } from '../src/protocols/retryAfter.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const policyArb = fc.record({
  baseMs: fc.integer({ min: 1, max: 10_000 }),
  maxMs: fc.integer({ min: 1, max: 120_000 }),
  maxElapsedMs: fc.constant(300_000),
});
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

describe('backoffDelay', () => {
  it('property: within [step/2, step], step = min(maxMs, baseMs·2^attempt)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), policyArb, randomArb, (attempt, policy, r) => {
        const step = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
        const delay = backoffDelay(attempt, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
        expect(Number.isInteger(delay)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('grows exponentially, then stays at the cap', () => {
    const policy: RetryPolicy = { baseMs: 500, maxMs: 30_000, maxElapsedMs: 300_000 };
    const top = (a: number): number => backoffDelay(a, policy, () => 0.999999);
    const bottom = (a: number): number => backoffDelay(a, policy, () => 0);
    expect([0, 1, 2, 3].map(bottom)).toEqual([250, 500, 1000, 2000]);
    expect(top(0)).toBe(500);
    expect(top(10)).toBe(30_000);
    expect(bottom(1000)).toBe(15_000);
    expect(Number.isFinite(top(1e9))).toBe(true);
  });

  it('uses Math.random by default and stays in range', () => {
    const policy: RetryPolicy = { baseMs: 100, maxMs: 10_000, maxElapsedMs: 1 };
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3000);
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
  });

  it('reads an HTTP-date in the future as ms from now', () => {
    expect(parseRetryAfter(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000);
    expect(parseRetryAfter('Mon, 15 Jan 2024 12:01:00 GMT', NOW)).toBe(60_000);
  });

  it('an HTTP-date in the past is 0', () => {
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('absent or plainly unreadable is undefined', () => {
    for (const header of [undefined, '', '   ', 'soon', 'abc', 'later please', '1e3', 'Infinity', 'NaN']) {
      expect(parseRetryAfter(header, NOW)).toBeUndefined();
    }
  });

  it('garbage that V8 Date.parse happens to accept is still undefined, not 0', () => {
    // Regression: after the delta-seconds regex fails, Date.parse is lenient: '-1', '+5', '1.', '.5', '2,5'
    // all parse as dates in 2001, so the header reads as 0 ms (retry now) instead of "unreadable".
    for (const header of ['-1', '+5', '1.', '.5', '2,5']) {
      expect(parseRetryAfter(header, NOW), header).toBeUndefined();
    }
  });
});

describe('nextDelay', () => {
  it('without Retry-After it is the backoff', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), policyArb, randomArb, (attempt, policy, r) => {
        expect(nextDelay(attempt, policy, undefined, () => r)).toBe(backoffDelay(attempt, policy, () => r));
      }),
      { numRuns: 200 },
    );
  });

  it('property: never less than the Retry-After the server gave', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        policyArb,
        fc.integer({ min: 0, max: 600_000 }),
        randomArb,
        (attempt, policy, retryAfter, r) => {
          const delay = nextDelay(attempt, policy, retryAfter, () => r);
          expect(delay).toBeGreaterThanOrEqual(retryAfter);
          // and never more than the larger of Retry-After and the backoff
          expect(delay).toBeLessThanOrEqual(Math.max(retryAfter, backoffDelay(attempt, policy, () => r)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Retry-After larger than the backoff wins', () => {
    const policy: RetryPolicy = { baseMs: 500, maxMs: 30_000, maxElapsedMs: 300_000 };
    expect(nextDelay(0, policy, 7_000, () => 0.5)).toBe(7_000);
    expect(nextDelay(0, policy, parseRetryAfter('2', NOW), () => 0.5)).toBe(2_000);
  });
});
