import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FUTURE_WINDOW_MS, PAST_WINDOW_MS, ServerClock, classifyTime } from '../src/record/timeWindow.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

// The slack the source keeps inside Datamix's window (Date header resolution + time on the wire).
const PAST_SLACK_MS = 5_000;
const FUTURE_SLACK_MS = 2_000;
const STALE_AFTER = PAST_WINDOW_MS - PAST_SLACK_MS;
const FUTURE_AFTER = FUTURE_WINDOW_MS - FUTURE_SLACK_MS;

describe('classifyTime', () => {
  it('uses the Datamix window: 10 minutes back, 10 s ahead', () => {
    expect(PAST_WINDOW_MS).toBe(600_000);
    expect(FUTURE_WINDOW_MS).toBe(10_000);
  });

  it('boundaries', () => {
    const now = 1_700_000_000_000;
    expect(classifyTime(now, now)).toBe('ok');
    expect(classifyTime(now - STALE_AFTER, now)).toBe('ok');
    expect(classifyTime(now - STALE_AFTER - 1, now)).toBe('stale');
    expect(classifyTime(now + FUTURE_AFTER, now)).toBe('ok');
    expect(classifyTime(now + FUTURE_AFTER + 1, now)).toBe('future');
    expect(classifyTime(now - PAST_WINDOW_MS, now)).toBe('stale');
    expect(classifyTime(now + FUTURE_WINDOW_MS, now)).toBe('future');
  });

  it('property: stale iff older than window − slack, future iff ahead by more than window − slack, else ok', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.oneof(
          fc.integer({ min: -2 * PAST_WINDOW_MS, max: 2 * FUTURE_WINDOW_MS }),
          fc.integer({ min: -STALE_AFTER - 3, max: -STALE_AFTER + 3 }),
          fc.integer({ min: FUTURE_AFTER - 3, max: FUTURE_AFTER + 3 }),
        ),
        (serverNow, offset) => {
          const verdict = classifyTime(serverNow + offset, serverNow);
          const expected = offset < -STALE_AFTER ? 'stale' : offset > FUTURE_AFTER ? 'future' : 'ok';
          expect(verdict).toBe(expected);
          // Whatever is 'ok' lies inside the server's real window.
          if (verdict === 'ok') expect(offset >= -PAST_WINDOW_MS && offset <= FUTURE_WINDOW_MS).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ServerClock', () => {
  const localNow = 1_700_000_000_000; // a whole second

  it('starts at the local clock', () => {
    const clock = new ServerClock(() => localNow);
    expect(clock.offset).toBe(0);
    expect(clock.serverNow()).toBe(localNow);
    expect(clock.toLocal(localNow + 5)).toBe(localNow + 5);
  });

  it('moves serverNow toward the Date header time', () => {
    const serverTime = localNow + 60_000;
    const clock = new ServerClock(() => localNow);
    clock.observe(new Date(serverTime).toUTCString(), localNow - 100, localNow);
    expect(Math.abs(clock.serverNow() - serverTime)).toBeLessThan(1_000);
    expect(clock.offset).toBeGreaterThan(59_000);
    expect(clock.toLocal(serverTime + 30_000)).toBe(serverTime + 30_000 - clock.offset);
  });

  it('a server behind us moves serverNow back', () => {
    const serverTime = localNow - 120_000;
    const clock = new ServerClock(() => localNow);
    clock.observe(new Date(serverTime).toUTCString(), localNow, localNow);
    expect(Math.abs(clock.serverNow() - serverTime)).toBeLessThan(1_000);
  });

  it('later samples are smoothed: each moves the estimate part of the way', () => {
    const clock = new ServerClock(() => localNow);
    clock.observe(new Date(localNow).toUTCString(), localNow, localNow);
    const first = clock.offset;
    clock.observe(new Date(localNow + 10_000).toUTCString(), localNow, localNow);
    expect(clock.offset).toBeGreaterThan(first);
    expect(clock.offset).toBeLessThan(10_000);
    for (let i = 0; i < 60; i++) clock.observe(new Date(localNow + 10_000).toUTCString(), localNow, localNow);
    expect(Math.abs(clock.serverNow() - (localNow + 10_000))).toBeLessThan(1_000);
  });

  it('ignores missing and garbage headers', () => {
    const clock = new ServerClock(() => localNow);
    for (const header of [undefined, '', 'garbage', 'not a date at all', 'Mon, 99 Foo 2024 99:99:99 GMT']) {
      clock.observe(header, localNow, localNow);
      expect(clock.offset).toBe(0);
    }
    clock.observe(new Date(localNow + 30_000).toUTCString(), localNow, localNow);
    const offset = clock.offset;
    clock.observe('garbage', localNow, localNow);
    expect(clock.offset).toBe(offset);
  });
});
