import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROW_AFTER_MS, LaneGrowth, type LoadView } from '../src/pipeline/laneGrowth.js';

const behind = (queuedBytes: number, held = false): LoadView => ({ allBusy: true, backlogged: true, queuedBytes, held });

describe('LaneGrowth: when a lane opens and when one closes', () => {
  it('opens one lane after GROW_AFTER_MS of every lane busy with a growing backlog, then waits as long again for the next', () => {
    const g = new LaneGrowth(1, 8, 30_000);
    expect(g.grow(behind(100), 0)).toBe(false);
    expect(g.grow(behind(200), GROW_AFTER_MS - 1)).toBe(false);
    expect(g.grow(behind(300), GROW_AFTER_MS)).toBe(true);
    expect(g.open).toBe(2);
    expect(g.grow(behind(400), GROW_AFTER_MS + 10)).toBe(false);
    expect(g.grow(behind(500), 2 * GROW_AFTER_MS)).toBe(true);
    expect(g.open).toBe(3);
  });

  it('a free lane or a backlog under one batch starts the wait over', () => {
    const g = new LaneGrowth(1, 8, 30_000);
    g.grow(behind(100), 0);
    g.grow({ ...behind(200), allBusy: false }, 500);
    expect(g.grow(behind(300), GROW_AFTER_MS)).toBe(false);
    g.grow({ ...behind(400), backlogged: false }, GROW_AFTER_MS + 500);
    expect(g.grow(behind(500), 2 * GROW_AFTER_MS + 400)).toBe(false);
    expect(g.open).toBe(1);
  });

  it('a backlog the open lanes are working off opens nothing, unless backpressure held the source back meanwhile', () => {
    const g = new LaneGrowth(1, 8, 30_000);
    g.grow(behind(1000), 0);
    expect(g.grow(behind(900), GROW_AFTER_MS)).toBe(false);
    g.grow(behind(1000), GROW_AFTER_MS + 1);
    g.grow(behind(1000, true), GROW_AFTER_MS + 2);
    expect(g.grow(behind(500), 2 * GROW_AFTER_MS + 1)).toBe(true);
  });

  it('closes the top lane only above min and only after idleMs', () => {
    const g = new LaneGrowth(2, 4, 5000);
    expect(g.shrink(0, 10_000)).toBe(false);
    g.open = 4;
    expect(g.shrink(undefined, 10_000)).toBe(false);
    expect(g.shrink(1000, 5999)).toBe(false);
    expect(g.shrink(1000, 6000)).toBe(true);
    expect(g.shrink(1000, 6000)).toBe(true);
    expect(g.shrink(1000, 6000)).toBe(false);
    expect(g.open).toBe(2);
  });

  it('property: the open lanes stay within [min, max] and grow at most once per GROW_AFTER_MS', () => {
    const step = fc.record({ dt: fc.integer({ min: 0, max: 1500 }), allBusy: fc.boolean(), backlogged: fc.boolean(), bytes: fc.nat(10_000), held: fc.boolean(), idle: fc.option(fc.nat(60_000)) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 200 }), (min, extra, steps) => {
        const g = new LaneGrowth(min, min + extra, 10_000);
        let now = 0;
        let lastGrowth = -Infinity;
        for (const s of steps) {
          now += s.dt;
          if (g.grow({ allBusy: s.allBusy, backlogged: s.backlogged, queuedBytes: s.bytes, held: s.held }, now)) {
            expect(now - lastGrowth).toBeGreaterThanOrEqual(GROW_AFTER_MS);
            lastGrowth = now;
          }
          g.shrink(s.idle === null ? undefined : now - s.idle, now);
          expect(g.open).toBeGreaterThanOrEqual(min);
          expect(g.open).toBeLessThanOrEqual(min + extra);
        }
      }),
    );
  });
});
