import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import winston from 'winston';
import { LogferryTransport } from '@logferry/winston';
import { createClient, uuidV5, type LogferryOptionsInput } from '@logferry/core';
import type { Emulator, InitialStateEventsEvent } from '@logferry/emulator';
import { readSpool } from '../packages/core/src/node/spool.js';
import { linesWith, runFixture } from './support/children.js';
import { useResources } from './support/lifecycle.js';
import { endTransport, flushLogger } from './support/pino.js';
import { mustSeq, onceCheck } from './support/records.js';
import { finished } from './support/winston.js';

const res = useResources();
const ACCESS_KEY = 'test-access-key';
/** The emulator's rate limit in these tests: Initial State's shape (a window, bursts allowed), faster so a test takes seconds. */
const RATE = { limit: 25, windowMs: 1000 };

type EventsSinkInput = Extract<LogferryOptionsInput['sink'], { api: 'events' }>;

function eventsOptions(emu: Emulator, sink: Partial<EventsSinkInput> = {}): LogferryOptionsInput & { sink: EventsSinkInput } {
  return {
    // requestsPerSecond above the server's limit: only the X-RateLimit budget keeps the client from being refused.
    sink: { type: 'initialstate', api: 'events', accessKey: ACCESS_KEY, bucketName: 'Checkout service', apiUrl: `${emu.url}/api`, requestsPerSecond: 40, ...sink },
    batch: { intervalMs: 50 },
    retry: { baseMs: 50, maxMs: 1000 },
  };
}

function statuses(emu: Emulator, path: string): number[] {
  return emu.initialStateEvents.requests.filter((r) => r.path === path).map((r) => r.status);
}

/** Checks that `total` records with fields n and ms arrived as exactly their events: a log event and two typed ones each. */
function expectRecordEvents(events: readonly InitialStateEventsEvent[], total: number, times: readonly number[] | undefined): void {
  const logs = events.filter((e) => e.key === 'log');
  expect(onceCheck(logs.map((e) => mustSeq(String(e.value))), total)).toEqual({ duplicates: [], missing: [], extra: [] });
  expect(logs).toHaveLength(total);
  for (const e of logs) {
    const n = mustSeq(String(e.value));
    expect(e.value).toMatch(/^(INFO|WARN) order placed \{.*"n":\d+.*\}$/);
    if (times) expect(Math.abs(e.epoch - (times[n] as number) / 1000)).toBeLessThan(0.001);
  }
  const ns = events.filter((e) => e.key === 'n').map((e) => e.value);
  expect([...ns].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: total }, (_, i) => i));
  const ms = events.filter((e) => e.key === 'ms');
  expect(ms).toHaveLength(total);
  for (const e of ms) expect(typeof e.value).toBe('number');
  expect(events).toHaveLength(3 * total);
}

describe("Initial State's Events API: delivery within the rate limit", () => {
  it('pino: 500 records with fields arrive as the right events, never more than 10 a request, zero 429s', async () => {
    const emu = await res.emulator({ initialStateEvents: { rateLimit: RATE } });
    const transport = res.transport({ target: '@logferry/pino', options: eventsOptions(emu, { fields: ['n', 'ms'] }) });
    let stamp = 0;
    const logger = pino({ level: 'trace', timestamp: () => `,"time":${stamp}` }, transport);
    const total = 500;
    const base = Date.now() - 60_000;
    const times: number[] = [];
    for (let n = 0; n < total; n++) {
      stamp = base + n * 7;
      times.push(stamp);
      logger[n % 2 === 0 ? 'info' : 'warn']({ n, ms: n * 0.5 }, 'order placed');
    }
    await flushLogger(logger);

    const bucketKey = uuidV5('Checkout service');
    expectRecordEvents(emu.initialStateEvents.eventsIn(bucketKey), total, times);
    expect(emu.initialStateEvents.buckets).toEqual([{ bucketKey, bucketName: 'Checkout service', creations: 1, events: 3 * total }]);
    const requests = emu.initialStateEvents.requests;
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    expect(statuses(emu, '/api/events').every((s) => s === 204)).toBe(true);
    // 1500 events at most 10 a request: at least 150 requests, which the limit spreads over at least 6 windows.
    expect(statuses(emu, '/api/events').length).toBeGreaterThanOrEqual(150);
    expect(emu.violations).toEqual([]);
    await endTransport(transport);
  });

  it('winston (worker): 300 records with fields arrive as the right events, zero 429s', async () => {
    const emu = await res.emulator({ initialStateEvents: { rateLimit: RATE } });
    const logger = winston.createLogger({
      level: 'info',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [new LogferryTransport(eventsOptions(emu, { fields: ['n', 'ms'] }))],
    });
    const total = 300;
    for (let n = 0; n < total; n++) logger.log(n % 2 === 0 ? 'info' : 'warn', 'order placed', { n, ms: n * 0.5 });
    await finished(logger);

    expectRecordEvents(emu.initialStateEvents.events, total, undefined);
    expect(emu.initialStateEvents.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(emu.violations).toEqual([]);
  });
});

describe("Initial State's Events API: faults", () => {
  it('a forced 429 with Retry-After: 2 is honoured: the next request waits 2 s, every record arrives once', async () => {
    const emu = await res.emulator();
    const transport = res.transport({ target: '@logferry/pino', options: eventsOptions(emu) });
    const logger = pino({ level: 'trace' }, transport);
    await emu.waitFor(() => emu.initialStateEvents.bucketCreations === 1);
    emu.faults.failNext(1, { status: 429, retryAfter: '2', path: 'api/events' });
    for (let n = 0; n < 30; n++) logger.info({ n }, 'order placed');
    await flushLogger(logger);

    const events = emu.initialStateEvents.requests.filter((r) => r.path === '/api/events');
    const refused = events.findIndex((r) => r.status === 429);
    expect(refused).toBe(0);
    expect(events.filter((r) => r.status === 429)).toHaveLength(1);
    const next = events[refused + 1];
    expect(next?.status).toBe(204);
    expect((next?.at ?? 0) - (events[refused]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    const logs = emu.initialStateEvents.events;
    expect(onceCheck(logs.map((e) => mustSeq(String(e.value))), 30)).toEqual({ duplicates: [], missing: [], extra: [] });
    expect(emu.violations).toEqual([]);
    await endTransport(transport);
  });

  it('402 (the quota is spent): one clear error, no retry storm, the host stays up, the rest spooled', async () => {
    const emu = await res.emulator();
    emu.faults.quota(30);
    const dir = mkdtempSync(join(tmpdir(), 'logferry-events-'));
    try {
      const spool = join(dir, 'spool.ndjson');
      const child = await runFixture('initialstate-events-host.mjs', [emu.url, ACCESS_KEY, 'Checkout service', '100', spool]);
      expect(child.code, child.stderr).toBe(0);
      expect(child.stdout).toContain('still alive');
      const quotaLines = linesWith(child.stderr, 'LOGFERRY_QUOTA_EXCEEDED');
      expect(quotaLines).toHaveLength(1);
      expect(quotaLines[0]).toMatch(/event limit for this billing cycle is used up/);
      // Exactly one request was answered 402; nothing was sent after it.
      const events = statuses(emu, '/api/events');
      expect(events.filter((s) => s === 402)).toHaveLength(1);
      expect(events.at(-1)).toBe(402);
      expect(emu.initialStateEvents.received).toBe(30);
      const delivered = emu.initialStateEvents.events.map((e) => mustSeq(String(e.value)));
      const spooled: number[] = [];
      for (const line of readSpool(spool)) if (!('bad' in line)) spooled.push(mustSeq(line.entry.text));
      // Every record is either delivered or spooled, once: the 80 after the quota (the 10 logged later too).
      expect([...delivered, ...spooled].sort((a, b) => a - b)).toEqual(Array.from({ length: 110 }, (_, i) => i));
      expect(child.stderr).not.toContain(ACCESS_KEY);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong access key: one clear error, no retry storm, the host exits 0, the key never printed', async () => {
    const emu = await res.emulator();
    const child = await runFixture('initialstate-events-host.mjs', [emu.url, 'wrong-access-key-123', 'Checkout service', '100']);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('still alive');
    const lines = linesWith(child.stderr, 'LOGFERRY_AUTH_FAILED');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('sink.accessKey or IS_ACCESS_KEY');
    expect(child.stderr + child.stdout).not.toContain('wrong-access-key-123');
    expect(emu.initialStateEvents.requests.map((r) => [r.path, r.status])).toEqual([['/api/buckets', 403]]);
    expect(emu.initialStateEvents.events).toEqual([]);
  });
});

describe("Initial State's Events API: buckets", () => {
  it('a second process with the same bucketName reuses the bucket (204)', async () => {
    const emu = await res.emulator();
    const transport = res.transport({ target: '@logferry/pino', options: eventsOptions(emu) });
    const logger = pino({ level: 'trace' }, transport);
    for (let n = 0; n < 5; n++) logger.info({ n }, 'first process');
    await flushLogger(logger);
    await endTransport(transport);

    const child = await runFixture('initialstate-events-host.mjs', [emu.url, ACCESS_KEY, 'Checkout service', '5']);
    expect(child.code, child.stderr).toBe(0);
    const bucketKey = uuidV5('Checkout service');
    expect(statuses(emu, '/api/buckets')).toEqual([201, 204]);
    expect(emu.initialStateEvents.buckets).toEqual([{ bucketKey, bucketName: 'Checkout service', creations: 2, events: 20 }]);
    expect(emu.initialStateEvents.eventsIn(bucketKey)).toHaveLength(20);
    expect(emu.violations).toEqual([]);
  });
});

describe("Initial State's Events API: a burst beyond 30 events a second stays within the buffer bound", () => {
  it.each([
    { whenFull: 'drop-oldest' as const, kept: 'newest' },
    { whenFull: 'drop-newest' as const, kept: 'oldest' },
  ])('whenFull $whenFull: memory stays under buffer.maxBytes, the $kept records are kept, the rest counted as overflow', async ({ whenFull }) => {
    // Initial State's own limits: 10 events a request, 30 requests per 10 s.
    const emu = await res.emulator();
    const maxBytes = 64 * 1024;
    const client = res.client(
      createClient(
        { ...eventsOptions(emu, { requestsPerSecond: 3 }), buffer: { maxBytes, whenFull, backpressure: false }, exitTimeoutMs: 500 },
        { exitHooks: false },
      ),
    );
    const total = 5000;
    let peak = 0;
    for (let n = 0; n < total; n++) {
      client.log({ level: 'info', time: Date.now(), msg: 'burst', n, pad: 'x'.repeat(100) });
      peak = Math.max(peak, client.stats().bufferedBytes);
    }
    await emu.waitFor(() => emu.initialStateEvents.received >= 20);
    const stats = client.stats();
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(stats.droppedReasons.overflow).toBeGreaterThan(total / 2);
    expect(stats.buffered).toBeLessThan(total / 2);
    await client.close();
    const after = client.stats();
    expect(after.delivered + after.dropped).toBe(total);
    const seqs = emu.initialStateEvents.events.map((e) => mustSeq(String(e.value)));
    expect(seqs.length).toBe(after.delivered);
    // The first batch may have left before the buffer filled; what went after it shows which end was kept.
    const last = seqs.at(-1) as number;
    if (whenFull === 'drop-oldest') expect(last).toBeGreaterThan(total / 2);
    else expect(last).toBeLessThan(total / 2);
    expect(emu.initialStateEvents.requests.filter((r) => r.status === 429)).toEqual([]);
  });
});
