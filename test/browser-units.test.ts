// The pure parts of @logferry/browser, and its unload rules against the real
// emulator from Node (fetch is the same API): the keepalive share of 64 KiB,
// the localStorage carry-over, and the token used at unload never used again.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { createBrowserSession } from '@logferry/core';
import { DatamixSink, Intake, levelMapFor, ServerClock, type LogRecord } from '@logferry/core/portable';
import { BODY_OVERHEAD, KEEPALIVE_BUDGET, fitsKeepalive, keepaliveShare, wireBytes } from '../packages/browser/src/keepalive.js';
import { CarryOver, type KeyValueStore } from '../packages/browser/src/carryOver.js';
import { FetchHttp } from '../packages/browser/src/fetchHttp.js';
import { Shipper } from '../packages/browser/src/shipper.js';
import { sessionSource } from '../packages/browser/src/sessionSource.js';
import { resolveBrowserOptions } from '../packages/browser/src/options.js';
import type { BrowserStats } from '../packages/browser/src/types.js';

class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const intake = new Intake({ levels: levelMapFor(undefined), messageKey: 'msg', format: 'text', fieldNames: [], sizeOf: (n) => n + 64 });
const record = (msg: string, fields: Record<string, unknown> = {}): LogRecord => intake.fromInput({ level: 'info', time: Date.now(), msg, ...fields }, Date.now());

describe('keepalive share', () => {
  it('takes the longest prefix whose body fits 64 KiB with what is in flight, never more', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 60 }), fc.integer({ min: 0, max: KEEPALIVE_BUDGET }), (sizes, inFlight) => {
        const n = keepaliveShare(sizes, inFlight);
        const total = BODY_OVERHEAD + sizes.slice(0, n).reduce((a, b) => a + b, 0);
        if (n > 0) expect(total + inFlight).toBeLessThanOrEqual(KEEPALIVE_BUDGET);
        if (n < sizes.length) expect(fitsKeepalive(total + (sizes[n] as number), inFlight)).toBe(false);
      }),
    );
  });

  it("counts a record's UTF-8 bytes as JSON, not its characters", () => {
    const ascii = record('a'.repeat(100));
    const wide = record('é'.repeat(100));
    expect(wireBytes(wide) - wireBytes(ascii)).toBe(100);
    expect(wireBytes(record('say "hi"'))).toBeGreaterThan(JSON.stringify('say "hi"').length);
  });
});

describe('carry-over', () => {
  it('keeps records in order for one later take, which removes them', () => {
    const store = new MemoryStore();
    const carry = new CarryOver(store, 'logferry:t', 64 * 1024);
    expect(carry.save([record('one'), record('two', { n: 2 })])).toBe(0);
    expect(carry.save([record('three')])).toBe(0);
    expect(carry.take().map((e) => e.text)).toEqual(['one', 'two {"n":2}', 'three']);
    expect(store.map.has('logferry:t')).toBe(false);
    expect(carry.take()).toEqual([]);
  });

  it('refuses what does not fit its bound, counting it, and survives a corrupt store', () => {
    const store = new MemoryStore();
    const carry = new CarryOver(store, 'k', 1024);
    const refused = carry.save(Array.from({ length: 40 }, (_, i) => record(`record ${i} ${'x'.repeat(40)}`)));
    expect(refused).toBeGreaterThan(0);
    expect(carry.take().length).toBe(40 - refused);
    store.setItem('k', '{not json');
    expect(carry.take()).toEqual([]);
  });
});

describe('options', () => {
  it('name the field and fill browser defaults (a batch always fits keepalive)', () => {
    const session = async () => ({ token: 't', expires: 0, system: 's', application: 'a', environment: 'e' });
    expect(resolveBrowserOptions({ session }).batch.maxBytes).toBeLessThan(KEEPALIVE_BUDGET - BODY_OVERHEAD);
    expect(() => resolveBrowserOptions({ session, batch: { maxBytes: 1 << 20 } })).toThrow(/batch\.maxBytes: expected a whole number/);
    expect(() => resolveBrowserOptions({ session, stale: 'x' as 'drop' })).toThrow(/stale: expected drop or restamp/);
    expect(() => resolveBrowserOptions({} as never)).toThrow(/session: /);
  });
});

describe('unload against the emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  /** One page load's shipper, wired as createBrowserLogger wires it. */
  function pageLoad(store: KeyValueStore, counts: { sessions: number }, intervalMs = 0) {
    const stats: BrowserStats = { logged: 0, delivered: 0, rejected: 0, filtered: 0, restamped: 0, dropped: 0, carried: 0, restored: 0, sessions: 0, requests: 0, retries: 0, keepalive: 0, buffered: 0 };
    const options = resolveBrowserOptions({ session: async () => ({ token: '', expires: 0, system: '', application: '', environment: '' }), batch: { intervalMs } });
    const http = new FetchHttp(stats);
    const getSession = async () => {
      counts.sessions++;
      return createBrowserSession({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
    };
    const clock = new ServerClock();
    const source = sessionSource(getSession, () => shipper.unloaded, false, clock, () => stats.sessions++);
    const sink = new DatamixSink({ type: 'datamix', apiKey: '', url: emu.url, sessions: 1 }, 'drop', 15_000, http, clock, () => undefined, source);
    const carry = new CarryOver(store, 'logferry:default', 512 * 1024);
    const shipper: Shipper = new Shipper(options, { sink, http, carry, stats, report: () => undefined });
    return { shipper, http, stats, carry };
  }

  it('sends what waits in one keepalive request on the current token; the next load starts a new session', async () => {
    const store = new MemoryStore();
    const counts = { sessions: 0 };
    const first = pageLoad(store, counts, 60_000);
    first.shipper.add(record('r1'));
    await first.shipper.flush();
    expect(counts.sessions).toBe(1);
    for (let i = 2; i <= 4; i++) first.shipper.add(record(`r${i}`));
    const posted = first.http.posted;
    first.shipper.unload();
    expect(first.http.posted).toBe(posted + 1);
    expect(first.stats.carried).toBe(0);
    await emu.waitFor(() => emu.datamix.records.length === 4);

    const second = pageLoad(store, counts);
    second.shipper.add(record('r5'));
    await second.shipper.flush();
    expect(counts.sessions).toBe(2);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(new Set(emu.datamix.records.map((r) => r.sessionId)).size).toBe(2);
    expect(emu.violations).toEqual([]);
  });

  it('with a request on the wire, carries what waits (its token is unknown) and never sends it too', async () => {
    const store = new MemoryStore();
    const counts = { sessions: 0 };
    const first = pageLoad(store, counts);
    first.shipper.add(record('warm'));
    await first.shipper.flush();
    emu.faults.delayNext(1, 300, { path: 'logs' });
    first.shipper.add(record('in flight'));
    await emu.waitFor(() => first.http.inFlight === 1);
    first.shipper.add(record('queued 1'));
    first.shipper.add(record('queued 2'));
    first.shipper.unload();
    expect(first.stats.carried).toBe(2);
    await emu.waitFor(() => emu.datamix.records.length === 2);

    const second = pageLoad(store, counts);
    // What the next page load does at start: take the carried records first.
    for (const entry of second.carry.take()) second.shipper.add(intake.fromEntry(entry));
    await second.shipper.flush();
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['warm', 'in flight', 'queued 1', 'queued 2']);
    expect(counts.sessions).toBe(2);
    expect(emu.violations).toEqual([]);
  });

  it('carries everything when the session would have to be renewed first (nothing async runs at unload)', async () => {
    const store = new MemoryStore();
    const counts = { sessions: 0 };
    const first = pageLoad(store, counts);
    first.shipper.add(record('a'));
    first.shipper.unload();
    expect(first.http.posted).toBe(0);
    expect(first.stats.carried).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emu.datamix.records).toEqual([]);
    expect(new CarryOver(store, 'logferry:default', 1 << 20).take().map((e) => e.text)).toEqual(['a']);
  });
});
