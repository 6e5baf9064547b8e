import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { createClient, LogferryError, uuidV5, type LogferryOptions } from '@logferry/core';
import type { Emulator, InitialStateEvent } from '@logferry/emulator';
import { linesWith, runFixture } from './support/children.js';
import { useResources } from './support/lifecycle.js';
import { endTransport, flushLogger, initialStateOptions } from './support/pino.js';
import { mustSeq, onceCheck } from './support/records.js';

const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type PinoLevel = (typeof PINO_LEVELS)[number];
const UPPER_OF: Record<PinoLevel, string> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };
const BUCKET_ID = uuidV5('checkout');

const res = useResources();

function isTransport(emu: Emulator, extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}): ReturnType<typeof res.transport> {
  return res.transport({ target: '@logferry/pino', options: initialStateOptions(emu.url, extra, sink) });
}

function logEvents(emu: Emulator, signal = 'log'): InitialStateEvent[] {
  return emu.initialState.events.filter((e) => e.sn === signal);
}

function stringValue(event: InitialStateEvent): string {
  if (typeof event.v !== 'string') throw new Error(`expected a string value, got ${JSON.stringify(event.v)}`);
  return event.v;
}

function expectExactlyOnce(events: readonly InitialStateEvent[], total: number): void {
  expect(onceCheck(events.map((e) => mustSeq(stringValue(e))), total)).toEqual({ duplicates: [], missing: [], extra: [] });
  expect(events).toHaveLength(total);
}

describe('pino → Initial State: delivery', () => {
  it('2,000 records become 2,000 well-formed log events plus the configured field signals; the bucket is created once and reused', async () => {
    const emu = await res.emulator();
    const transport = isTransport(emu, {}, { fields: ['durationMs'] });
    // Each record gets its own, distinct time (pino writes integer ms).
    let stamp = 0;
    const logger = pino({ level: 'trace', timestamp: () => `,"time":${stamp}` }, transport);
    const total = 2000;
    const base = Date.now() - 60_000;
    const times: number[] = [];
    for (let n = 0; n < total; n++) {
      stamp = base + n * 13;
      times.push(stamp);
      const level = PINO_LEVELS[n % PINO_LEVELS.length] as PinoLevel;
      logger[level]({ n, durationMs: n * 1.5 }, 'request done');
    }
    await flushLogger(logger);

    const logs = logEvents(emu);
    expectExactlyOnce(logs, total);
    for (const event of logs) {
      const v = stringValue(event);
      const n = mustSeq(v);
      const level = PINO_LEVELS[n % PINO_LEVELS.length] as PinoLevel;
      expect(v.startsWith(`${UPPER_OF[level]} `), `v of record ${n}: ${v}`).toBe(true);
      expect(v).toMatch(/^[A-Z]+ request done \{.*"n":\d+,"durationMs":[\d.]+\}$/);
      expect(Math.abs(event.e - (times[n] as number) / 1000)).toBeLessThan(0.001);
      expect(event.tid).toBe(BUCKET_ID);
      expect(event.b).toBe('checkout');
    }
    const durations = logEvents(emu, 'durationMs');
    expect(durations).toHaveLength(total);
    const seen = new Set<number>();
    for (const event of durations) {
      expect(typeof event.v).toBe('number');
      const n = (event.v as number) / 1.5;
      expect(Number.isInteger(n) && n >= 0 && n < total).toBe(true);
      seen.add(n);
      expect(Math.abs(event.e - (times[n] as number) / 1000)).toBeLessThan(0.001);
      expect(event.tid).toBe(BUCKET_ID);
      expect(event.b).toBe('checkout');
    }
    expect(seen.size).toBe(total);
    expect(emu.initialState.events).toHaveLength(2 * total);
    expect(emu.initialState.bucketCreations).toBe(1);
    expect(emu.violations).toEqual([]);
    await endTransport(transport);

    // A second, separate client with the same bucket name lands in the same bucket.
    const second = res.client(createClient(initialStateOptions(emu.url) as LogferryOptions, { exitHooks: false }));
    second.log({ level: 'info', time: Date.now(), msg: 'from the second client', n: total });
    await second.flush();
    expect(emu.initialState.buckets).toEqual([{ bucketId: BUCKET_ID, bucketName: 'checkout', creations: 2 }]);
    expect(emu.initialState.bucketCreations).toBe(2);
    expect(logEvents(emu).at(-1)?.tid).toBe(BUCKET_ID);
    expect(emu.violations).toEqual([]);
  });

  it('values of every JSON type map to legal events; long messages are capped', async () => {
    const emu = await res.emulator();
    const fields = ['s', 'num', 'bool', 'nul', 'obj', 'arr', 'any'];
    const transport = isTransport(emu, {}, { fields });
    const logger = pino({ level: 'trace' }, transport);
    let n = 0;
    logger.info({ n: n++, s: 'text "quoted" \\ \n\t ünïcødé 😀', num: -1.25e-7, bool: false, nul: null, obj: { a: { b: [1, 'x', null] } }, arr: [1, 'two', true, null, { k: [] }] }, 'types');
    logger.info({ n: n++, num: Number.MAX_SAFE_INTEGER, bool: true, s: '' }, '');
    logger.warn({ n: n++ });
    // Random JSON values (deterministic seed), as fields and as the message itself.
    const values = fc.sample(fc.jsonValue({ maxDepth: 3 }), { seed: 42, numRuns: 200 });
    for (const value of values) logger.info({ n: n++, any: value, obj: { nested: value } }, 'random');
    const strings = fc.sample(fc.string({ unit: 'binary', maxLength: 80 }), { seed: 7, numRuns: 100 });
    for (const s of strings) logger.error({ n: n++, s }, s);
    const long = 'x'.repeat(5000);
    logger.info({ n: n++ }, long);
    await flushLogger(logger);

    expect(emu.violations).toEqual([]);
    const logs = logEvents(emu);
    expect(logs).toHaveLength(n);
    // The capped message lost its fields (they follow the message), so it has no sequence number.
    const [capped, ...others] = [...logs].sort((a, b) => stringValue(b).length - stringValue(a).length);
    expectExactlyOnce(others, n - 1);
    for (const event of emu.initialState.events) {
      expect(['string', 'number', 'boolean']).toContain(typeof event.v);
      if (typeof event.v === 'string') expect(event.v.length).toBeLessThanOrEqual(2000);
      if (typeof event.v === 'number') expect(Number.isFinite(event.v)).toBe(true);
    }
    expect(stringValue(capped as InitialStateEvent).startsWith('INFO xxxx')).toBe(true);
    expect(stringValue(capped as InitialStateEvent).length).toBeLessThanOrEqual(2000);
    expect(stringValue(capped as InitialStateEvent).length).toBeGreaterThan(1900);
    // Scalar fields become typed signals; null, objects and arrays do not.
    const bySignal = (sn: string): unknown[] => emu.initialState.events.filter((e) => e.sn === sn).map((e) => e.v);
    expect(bySignal('num')).toEqual([-1.25e-7, Number.MAX_SAFE_INTEGER]);
    expect(bySignal('bool')).toEqual([false, true]);
    expect(bySignal('s').slice(0, 2)).toEqual(['text "quoted" \\ \n\t ünïcødé 😀', '']);
    expect(bySignal('nul')).toEqual([]);
    expect(bySignal('obj')).toEqual([]);
    expect(bySignal('arr')).toEqual([]);
    const scalars = values.filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
    expect(bySignal('any')).toHaveLength(scalars.length);
  });
});

describe('pino → Initial State: the bucket is created as the worker starts', () => {
  it('before the first line is logged, once; the first batch goes straight to /batch_logs', async () => {
    const emu = await res.emulator();
    const logger = pino({ level: 'trace' }, isTransport(emu));
    await emu.waitFor(() => emu.initialState.bucketCreations === 1);
    const total = 300;
    for (let n = 0; n < total; n++) logger.info({ n }, 'order');
    await flushLogger(logger);

    expectExactlyOnce(logEvents(emu), total);
    expect(emu.initialState.bucketCreations).toBe(1);
    expect(emu.violations).toEqual([]);
  });
});

describe('pino → Initial State: faults', () => {
  it('429 with Retry-After, a 503 burst and a 413: every record exactly once', async () => {
    const emu = await res.emulator();
    emu.faults.failNext(1, { status: 429, retryAfter: '1', path: 'batch_logs' });
    emu.faults.failNext(5, { status: 503, path: 'batch_logs' });
    emu.faults.failNext(1, { status: 413, path: 'batch_logs' });
    const transport = isTransport(emu);
    const logger = pino({ level: 'trace' }, transport);
    const total = 3000;
    for (let n = 0; n < total; n++) logger.info({ n, orderId: `order-${n}` }, 'order placed');
    await flushLogger(logger);

    expectExactlyOnce(logEvents(emu), total);
    expect(emu.violations).toEqual([]);
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(Array<string>(7).fill('fail'));
    const statuses = emu.initialState.requests.filter((r) => r.path === '/batch_logs').map((r) => r.status);
    expect(statuses.slice(0, 7)).toEqual([429, 503, 503, 503, 503, 503, 413]);
    expect(statuses.slice(7).every((s) => s === 204)).toBe(true);
    expect(emu.initialState.bucketCreations).toBe(1);
  });

  it('a server body limit smaller than the batches: batches are split until they fit, every record exactly once', async () => {
    const emu = await res.emulator({ initialState: { maxBodyBytes: 50_000 } });
    const transport = isTransport(emu);
    const logger = pino({ level: 'trace' }, transport);
    const total = 2000;
    const padding = 'p'.repeat(100);
    for (let n = 0; n < total; n++) logger.info({ n, padding }, 'big-ish');
    await flushLogger(logger);

    expectExactlyOnce(logEvents(emu), total);
    expect(emu.violations).toEqual([]);
    const batches = emu.initialState.requests.filter((r) => r.path === '/batch_logs');
    expect(batches.some((r) => r.status === 413)).toBe(true);
    for (const r of batches.filter((b) => b.status === 204)) expect(r.bytes).toBeLessThanOrEqual(50_000);
  });

  it('a wrong client key: one clear error, no retry storm, host exits 0, key not printed', async () => {
    const emu = await res.emulator();
    const child = await runFixture('bad-key.mjs', [emu.url, 'initialstate', 'wrong-client-key-123']);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('still alive');
    expect(linesWith(child.stderr, 'LOGFERRY_AUTH_FAILED')).toHaveLength(1);
    expect(child.stderr).not.toContain('wrong-client-key-123');
    expect(child.stdout).not.toContain('wrong-client-key-123');
    expect(emu.initialState.requests.length).toBeGreaterThanOrEqual(1);
    expect(emu.initialState.requests.length).toBeLessThanOrEqual(2);
    expect(emu.initialState.events).toEqual([]);
  });
});

describe('Initial State options', () => {
  it('a bucket name of 201 characters is refused synchronously, naming sink.bucketName', () => {
    let error: unknown;
    try {
      createClient(
        { sink: { type: 'initialstate', clientKey: 'secret-client-key', bucketName: 'b'.repeat(201), apiUrl: 'http://127.0.0.1:9', eventsUrl: 'http://127.0.0.1:9' } },
        { exitHooks: false },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogferryError);
    expect((error as LogferryError).code).toBe('LOGFERRY_BAD_OPTION');
    expect((error as LogferryError).message).toContain('sink.bucketName');
    expect((error as LogferryError).message).not.toContain('secret-client-key');
  });

  it('a bucket name of exactly 200 characters is accepted by client and server', async () => {
    const emu = await res.emulator();
    const name = 'b'.repeat(200);
    const client = res.client(createClient(initialStateOptions(emu.url, {}, { bucketName: name }) as LogferryOptions, { exitHooks: false }));
    client.log({ level: 'warn', msg: 'long bucket name', n: 0 });
    await client.flush();
    expect(client.stats().delivered).toBe(1);
    expect(emu.initialState.buckets).toEqual([{ bucketId: uuidV5(name), bucketName: name, creations: 1 }]);
    expect(emu.initialState.events.map((e) => [e.b, e.sn, e.v])).toEqual([[name, 'log', 'WARN long bucket name {"n":0}']]);
    expect(emu.violations).toEqual([]);
  });
});
