import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pacer } from '../src/timing/pacer.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('Pacer', () => {
  it('N reservations at one instant return 0, the next one waits', () => {
    const clock = fakeClock();
    const pacer = new Pacer(3, clock.now);
    expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 0, 0]);
    const wait = pacer.reserve();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(334);
  });

  it('waiting the returned time is enough for the next reservation', () => {
    const clock = fakeClock();
    const pacer = new Pacer(3, clock.now);
    for (let i = 0; i < 3; i++) pacer.reserve();
    const wait = pacer.reserve();
    clock.advance(wait);
    expect(pacer.reserve()).toBe(0);
    expect(pacer.reserve()).toBeGreaterThan(0);
  });

  it('at most N per second once the burst is spent, polling every millisecond', () => {
    const clock = fakeClock();
    const pacer = new Pacer(5, clock.now);
    for (let i = 0; i < 5; i++) expect(pacer.reserve()).toBe(0);
    const perSecond = [0, 0, 0, 0, 0];
    for (let ms = 0; ms < 5_000; ms++) {
      if (pacer.reserve() === 0) perSecond[Math.floor(ms / 1000)]! += 1;
      clock.advance(1);
    }
    for (const count of perSecond) expect(count).toBeLessThanOrEqual(5);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24);
  });

  it('property: over any schedule of calls, zeros ≤ N·(1 + elapsed seconds); at one instant ≤ N', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 60 }),
        (perSecond, schedule) => {
          const clock = fakeClock();
          const pacer = new Pacer(perSecond, clock.now);
          let zeros = 0;
          let elapsed = 0;
          const violations: string[] = [];
          for (const [gap, calls] of schedule) {
            clock.advance(gap);
            elapsed += gap;
            let zerosNow = 0;
            for (let i = 0; i < calls; i++) {
              const wait = pacer.reserve();
              if (wait < 0) violations.push(`negative wait ${wait}`);
              if (wait === 0) zerosNow++;
            }
            if (zerosNow > perSecond) violations.push(`${zerosNow} at one instant`);
            zeros += zerosNow;
            if (zeros > perSecond * (1 + elapsed / 1000) + 1e-9) violations.push(`${zeros} zeros after ${elapsed} ms`);
          }
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a rate below one a second still allows one request, then waits', () => {
    const clock = fakeClock();
    const pacer = new Pacer(0.5, clock.now);
    expect(pacer.reserve()).toBe(0);
    expect(pacer.reserve()).toBe(2000);
    clock.advance(2000);
    expect(pacer.reserve()).toBe(0);
  });
});
