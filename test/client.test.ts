import { describe, expect, it, vi } from 'vitest';
import { createClient, LogferryError, type LogferryOptionsInput } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { useResources } from './support/lifecycle.js';
import { increasing, mustSeq, onceCheck } from './support/records.js';

const MINUTE = 60_000;
const res = useResources();

function datamix(emu: Emulator, extra: Partial<LogferryOptionsInput> = {}): LogferryOptionsInput {
  return {
    sink: { type: 'datamix', apiKey: 'test-key', url: emu.url },
    batch: { intervalMs: 100 },
    retry: { baseMs: 50, maxMs: 1000 },
    ...extra,
  };
}

/** A client on the emulator that collects its error reports. */
function client(emu: Emulator, extra: Partial<LogferryOptionsInput> = {}): { client: ReturnType<typeof createClient>; errors: LogferryError[] } {
  const errors: LogferryError[] = [];
  const c = res.client(createClient(datamix(emu, extra), { onError: (e) => errors.push(e), exitHooks: false }));
  return { client: c, errors };
}

describe('createClient: log, flush, close, stats', () => {
  it('counts what it logged and delivered; flush waits for delivery; close releases it', async () => {
    const emu = await res.emulator();
    const { client: c, errors } = client(emu);
    const levels = ['debug', 'info', 'warn', 'error', 'fatal', 'trace', 10, 30, 60, 'warning', 'notice', 'crit'] as const;
    const expected = ['debug', 'info', 'warn', 'error', 'fatal', 'debug', 'debug', 'info', 'fatal', 'warn', 'info', 'fatal'];
    const total = 120;
    for (let n = 0; n < total; n++) c.log({ level: levels[n % levels.length], time: Date.now(), msg: 'hello', n });
    expect(c.stats().logged).toBe(total);
    await c.flush();

    const stats = c.stats();
    expect(stats).toMatchObject({ logged: total, delivered: total, rejected: 0, filtered: 0, dropped: 0, buffered: 0, inFlight: 0, sessionsCreated: 1 });
    expect(stats.requests).toBeGreaterThanOrEqual(1);
    expect(emu.datamix.records).toHaveLength(total);
    expect(increasing(emu.datamix.records.map((r) => mustSeq(r.message)))).toBe(true);
    for (const record of emu.datamix.records) {
      const n = mustSeq(record.message);
      expect(record.level, `record ${n}`).toBe(expected[n % expected.length]);
      expect(record.message).toBe(`hello {"n":${n}}`);
    }
    expect(JSON.stringify(stats)).not.toContain('test-key');
    expect(errors).toEqual([]);

    // time as an ISO string or a Date; message instead of msg; a plain string.
    const t = Date.now() - 1000;
    c.log({ level: 'info', time: new Date(t).toISOString(), message: 'iso time', n: total });
    c.log({ level: 'info', time: new Date(t), msg: 'date time', n: total + 1 });
    await c.flush();
    expect(emu.datamix.records.slice(-2).map((r) => [r.timestamp, r.message])).toEqual([
      [t, `iso time {"n":${total}}`],
      [t, `date time {"n":${total + 1}}`],
    ]);

    await c.close();
    c.log({ level: 'info', msg: 'after close' });
    const after = c.stats();
    expect(after.logged).toBe(total + 3);
    expect(after.dropped).toBe(1);
    expect(after.droppedReasons).toEqual({ closed: 1 });
    expect(emu.violations).toEqual([]);
  });

  it('counts filtered records exactly (default stale: drop)', async () => {
    const emu = await res.emulator();
    const { client: c } = client(emu);
    const now = Date.now();
    c.log({ level: 'info', time: now, msg: 'fresh', n: 0 });
    c.log({ level: 'info', time: now - 11 * MINUTE, msg: 'old', n: 1 });
    c.log({ level: 'info', time: now - 60 * MINUTE, msg: 'older', n: 2 });
    c.log({ level: 'info', time: now + 60_000, msg: 'future', n: 3 });
    c.log({ level: 'info', time: now - 5 * MINUTE, msg: 'five minutes', n: 4 });
    await c.flush();
    expect(c.stats()).toMatchObject({ logged: 5, delivered: 2, filtered: 3, restamped: 0, rejected: 0, dropped: 0 });
    expect(emu.datamix.records.map((r) => mustSeq(r.message))).toEqual([0, 4]);
    expect(emu.violations).toEqual([]);
  });

  it("counts restamped records exactly (stale: 'restamp') and keeps their original time", async () => {
    const emu = await res.emulator();
    const { client: c } = client(emu, { stale: 'restamp' });
    const now = Date.now();
    const old = now - 11 * MINUTE;
    const future = now + 60_000;
    c.log({ level: 'info', time: now, msg: 'fresh', n: 0 });
    c.log({ level: 'warn', time: old, msg: 'old', n: 1 });
    c.log({ level: 'error', time: future, msg: 'future', n: 2 });
    await c.flush();
    expect(c.stats()).toMatchObject({ logged: 3, delivered: 3, filtered: 0, restamped: 2, rejected: 0 });
    const [fresh, restampedOld, restampedFuture] = emu.datamix.records;
    expect(fresh?.timestamp).toBe(now);
    expect(restampedOld?.message).toContain(new Date(old).toISOString());
    expect(restampedOld?.message).toContain('old {"n":1}');
    expect(restampedFuture?.message).toContain(new Date(future).toISOString());
    expect(restampedOld?.level).toBe('warn');
    expect(emu.violations).toEqual([]);
  });

  it('batches of one, two and a fraction of a serialisation group (256 messages) arrive whole, in order, text exact', async () => {
    const emu = await res.emulator();
    const { client: c } = client(emu, { stale: 'restamp', batch: { maxEvents: 512, intervalMs: 60_000 } });
    const msgs = ['request handled', '', 'say "hi" \\ back\nslash é 😀', '\u2028 and \t'];
    const now = Date.now();
    const old = now - 11 * MINUTE;
    const expected: string[] = [];
    let n = 0;
    // 512 (two whole groups), 256 (one), 300 (a group and 44, one of them restamped), 1.
    for (const count of [512, 256, 300, 1]) {
      for (let k = 0; k < count; k++, n++) {
        const msg = msgs[n % msgs.length] as string;
        const time = count === 300 && k === 270 ? old : now;
        c.logLine(JSON.stringify({ level: 30, time, n, msg }));
        const text = msg === '' ? `{"n":${n}}` : `${msg} {"n":${n}}`;
        expected.push(time === old ? `[original time ${new Date(old).toISOString()}] ${text}` : text);
      }
      await c.flush();
    }
    expect(c.stats()).toMatchObject({ logged: n, delivered: n, restamped: 1, rejected: 0, dropped: 0 });
    expect(emu.datamix.requests.filter((r) => r.path.endsWith('/logs')).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(expected);
    expect(emu.violations).toEqual([]);
  });

  it('counts records the server rejects, with its reasons, and never re-sends them', async () => {
    // A server stricter than the documented window: 5-minute-old records pass the client's filter but are rejected.
    const emu = await res.emulator({ datamix: { pastWindowMs: 2 * MINUTE } });
    const { client: c } = client(emu);
    const now = Date.now();
    for (let n = 0; n < 10; n++) c.log({ level: 'info', time: n % 5 === 0 ? now - 5 * MINUTE : now, msg: 'r', n });
    await c.flush();
    const stats = c.stats();
    expect(stats).toMatchObject({ logged: 10, delivered: 8, rejected: 2, dropped: 0, filtered: 0 });
    const reasons = Object.entries(stats.rejectedReasons);
    expect(reasons.reduce((sum, [, count]) => sum + count, 0)).toBe(2);
    for (const [reason] of reasons) expect(reason).toMatch(/too old/);
    expect(emu.datamix.records.map((r) => mustSeq(r.message))).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
    expect(emu.datamix.rejected).toHaveLength(2);
    expect(emu.violations.map((v) => v.rule)).toEqual(['time-window', 'time-window']);

    // A 400 on the whole request: every record in it is rejected, not retried.
    emu.faults.failNext(1, { status: 400, path: 'logs' });
    for (let n = 10; n < 13; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await c.flush();
    const after = c.stats();
    expect(after).toMatchObject({ logged: 13, delivered: 8, rejected: 5, dropped: 0 });
    expect(after.rejectedReasons['HTTP 400 from Datamix']).toBe(3);
    expect(emu.datamix.requests.filter((r) => r.status === 400)).toHaveLength(1);

    // The client goes on afterwards.
    c.log({ level: 'info', time: Date.now(), msg: 'r', n: 13 });
    await c.flush();
    expect(c.stats().delivered).toBe(9);
    expect(emu.datamix.records.map((r) => mustSeq(r.message)).at(-1)).toBe(13);
  });

  it('counts retries, failed and ambiguous requests, and duplicates avoided', async () => {
    const emu = await res.emulator();
    emu.faults.failNext(2, { status: 503, path: 'logs' });
    emu.faults.failNext(1, { status: 500, path: 'sessions' });
    const { client: c, errors } = client(emu);
    for (let n = 0; n < 100; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await c.flush();
    let stats = c.stats();
    expect(stats).toMatchObject({ logged: 100, delivered: 100, dropped: 0 });
    expect(stats.failedRequests).toBe(3);
    expect(stats.retries).toBe(3);
    expect(stats.requests).toBe(4);
    expect(errors.map((e) => e.code)).toContain('LOGFERRY_HTTP');
    expect(stats.lastError?.code).toBe('LOGFERRY_HTTP');

    emu.faults.resetNext(1, { when: 'after', path: 'logs' });
    for (let n = 100; n < 200; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await c.flush();
    stats = c.stats();
    expect(stats).toMatchObject({ logged: 200, delivered: 200, dropped: 0, ambiguous: 1, duplicatesAvoided: 1 });
    expect(onceCheck(emu.datamix.records.map((r) => mustSeq(r.message)), 200)).toEqual({ duplicates: [], missing: [], extra: [] });
    expect(emu.violations.map((v) => v.rule)).toEqual(['stale-token']);
  });

  it("buffer overflow with 'drop-newest' during an outage: dropped is counted, delivered + dropped === logged", async () => {
    const emu = await res.emulator();
    // The outage lasts until the client has been refused once (a condition, not a window a busy machine can miss).
    emu.faults.down();
    // A long batch interval: no batch leaves while the loop logs (however slow the box), so which records survive is exact.
    const { client: c, errors } = client(emu, { buffer: { maxBytes: 65536, whenFull: 'drop-newest' }, batch: { intervalMs: 60_000 } });
    const total = 2000;
    const padding = 'p'.repeat(100);
    for (let n = 0; n < total; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n, padding });
    const during = c.stats();
    expect(during.dropped).toBeGreaterThan(0);
    expect(during.bufferedBytes).toBeLessThanOrEqual(65536);
    const flushed = c.flush();
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'down'));
    emu.faults.down(0);
    await flushed;
    // The first attempts met the outage.
    expect(emu.datamix.requests[0]?.status).toBe(0);

    const stats = c.stats();
    expect(stats.logged).toBe(total);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered + stats.dropped).toBe(total);
    expect(stats.droppedReasons).toEqual({ overflow: stats.dropped });
    expect(stats.failedRequests).toBeGreaterThan(0);
    expect(stats).toMatchObject({ buffered: 0, inFlight: 0, spooled: 0 });
    // drop-newest keeps what is already buffered: what arrived is exactly the first `delivered` records.
    const arrived = emu.datamix.records.map((r) => mustSeq(r.message));
    expect(arrived).toEqual([...Array(stats.delivered).keys()]);
    expect(stats.delivered).toBe(during.buffered);
    expect(errors.some((e) => e.code === 'LOGFERRY_DROPPED')).toBe(true);
    expect(emu.violations).toEqual([]);
  });

  it('drops are reported as one summary with the real count, not one report per record', async () => {
    const emu = await res.emulator();
    emu.faults.down(60_000);
    const { client: c, errors } = client(emu, { buffer: { maxBytes: 65536, whenFull: 'drop-newest' }, batch: { intervalMs: 60_000 } });
    const padding = 'p'.repeat(100);
    for (let n = 0; n < 5000; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n, padding });
    const during = c.stats();
    expect(during.dropped).toBeGreaterThan(1000);
    // The first drop is reported at once; the rest is held for the next interval.
    const dropReports = errors.filter((e) => e.code === 'LOGFERRY_DROPPED');
    expect(dropReports).toHaveLength(1);
    expect(dropReports[0]?.message).toMatch(/^log records dropped: 1 \(overflow\); set spool.path/);
    c.closeSync();
    // Closing reports what was held back, with its count.
    const last = errors.filter((e) => e.code === 'LOGFERRY_DROPPED').at(-1);
    expect(last?.message).toContain(`${during.dropped - 1} (overflow)`);
  });

  it("buffer overflow with 'drop-oldest': the newest records survive", async () => {
    const emu = await res.emulator();
    emu.faults.down(1000);
    const { client: c } = client(emu, { buffer: { maxBytes: 65536, whenFull: 'drop-oldest' }, batch: { intervalMs: 60_000 } });
    const total = 2000;
    const padding = 'p'.repeat(100);
    for (let n = 0; n < total; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n, padding });
    await c.flush();
    const stats = c.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered + stats.dropped).toBe(total);
    // drop-oldest evicts the oldest: what arrived is exactly the last `delivered` records.
    const arrived = emu.datamix.records.map((r) => mustSeq(r.message));
    expect(arrived).toEqual([...Array(stats.delivered).keys()].map((i) => total - stats.delivered + i));
    expect(stats.droppedReasons).toEqual({ overflow: stats.dropped });
    expect(emu.violations).toEqual([]);
  });

  it('a wrong key: one LOGFERRY_AUTH_FAILED report, records counted as dropped (auth), no retry storm', async () => {
    const emu = await res.emulator();
    const errors: LogferryError[] = [];
    const c = res.client(
      createClient({ ...datamix(emu), sink: { type: 'datamix', apiKey: 'wrong-key', url: emu.url } }, { onError: (e) => errors.push(e), exitHooks: false }),
    );
    for (let n = 0; n < 50; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await c.flush();
    for (let n = 50; n < 60; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await c.flush();
    expect(errors.map((e) => e.code)).toEqual(['LOGFERRY_AUTH_FAILED']);
    expect(errors[0]?.message).not.toContain('wrong-key');
    const stats = c.stats();
    expect(stats).toMatchObject({ logged: 60, delivered: 0, dropped: 60, droppedReasons: { auth: 60 } });
    expect(JSON.stringify(stats)).not.toContain('wrong-key');
    expect(emu.datamix.requests.filter((r) => r.path === '/sessions').length).toBeLessThanOrEqual(2);
  });
});

describe('createClient: the next batch is prepared while a request is under way', () => {
  for (const api of ['datamix', 'initialstate'] as const) {
    it(`${api}: a whole batch waiting for the busy lane leaves the buffer and is built then; flush() of the first resolves while the lane goes on; every record once, in order`, async () => {
      const emu = await res.emulator();
      const path = api === 'datamix' ? 'logs' : 'batch_logs';
      // Both requests are slow: the second batch comes while the first is under way, and is still under way when the first is answered.
      emu.faults.delayNext(2, 400, { path });
      const sink =
        api === 'datamix'
          ? ({ type: 'datamix', apiKey: 'test-key', url: emu.url } as const)
          : ({ type: 'initialstate', clientKey: 'test-client-key', bucketName: 'prepared', apiUrl: emu.url, eventsUrl: emu.url, requestsPerSecond: 1000 } as const);
      const c = res.client(createClient({ sink, batch: { maxEvents: 50, intervalMs: 60_000 } }, { exitHooks: false }));
      const arrived = (): number[] =>
        api === 'datamix' ? emu.datamix.records.map((r) => mustSeq(r.message)) : emu.initialState.events.map((e) => mustSeq(String(e.v)));
      for (let n = 0; n < 50; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
      const first = c.flush();
      await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'delay'));
      for (let n = 50; n < 100; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
      // The second batch was taken as the lane's next (its body built), not left in the buffer.
      expect(c.stats()).toMatchObject({ buffered: 0, inFlight: 100 });
      await first;
      // The first batch's flush did not wait for the second, which is still under way (its 400 ms delay).
      expect(arrived()).toEqual([...Array(50).keys()]);
      await c.flush();
      expect(arrived()).toEqual([...Array(100).keys()]);
      expect(c.stats()).toMatchObject({ logged: 100, delivered: 100, dropped: 0, buffered: 0, inFlight: 0, failedRequests: 0 });
      // Each body went with the token the previous answer gave (Datamix checks the chain).
      expect(emu.violations).toEqual([]);
    });
  }

  it('datamix: a prepared body older than a second when its turn comes is written again, so the time window is checked when it goes', async () => {
    const emu = await res.emulator();
    const realNow = Date.now.bind(Date);
    let shift = 0;
    // The emulator and the client share this clock: both move 10 s ahead while the first request is under way.
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
    try {
      emu.faults.delayNext(1, 400, { path: 'logs' });
      const c = res.client(createClient(datamix(emu, { batch: { maxEvents: 50, intervalMs: 60_000 } }), { exitHooks: false }));
      for (let n = 0; n < 50; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
      await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'delay'));
      for (let n = 50; n < 99; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
      // 9 min 53 s old when the batch is prepared: inside the window (the client keeps 5 s of slack); 10 min 3 s when it goes.
      c.log({ level: 'info', time: Date.now() - 10 * MINUTE + 7000, msg: 'r', n: 99 });
      expect(c.stats()).toMatchObject({ buffered: 0, inFlight: 100 });
      shift = 10_000;
      await c.flush();
      expect(c.stats()).toMatchObject({ logged: 100, delivered: 99, filtered: 1, rejected: 0 });
      expect(emu.datamix.records.map((r) => mustSeq(r.message))).toEqual([...Array(99).keys()]);
      // Sent from the stale body, the server would have refused it for its time.
      expect(emu.violations).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
