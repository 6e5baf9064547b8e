import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createClient, LogferryError, type LogferryOptions } from '@logferry/core';
import type { DatamixRecord, Emulator } from '@logferry/emulator';
import { linesWith, runFixture } from './support/children.js';
import { useResources } from './support/lifecycle.js';
import { datamixOptions, endTransport, flushLogger } from './support/pino.js';
import { fieldsOf, groupBy, increasing, mustSeq, onceCheck } from './support/records.js';

const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const DATAMIX_OF: Record<(typeof PINO_LEVELS)[number], string> = {
  trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal',
};
const MINUTE = 60_000;

const res = useResources();

function datamixTransport(emu: Emulator, extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}): ReturnType<typeof res.transport> {
  return res.transport({ target: '@logferry/pino', options: datamixOptions(emu.url, extra, sink) });
}

function seqs(records: readonly DatamixRecord[]): number[] {
  return records.map((r) => mustSeq(r.message));
}

function expectExactlyOnce(records: readonly DatamixRecord[], total: number): void {
  expect(onceCheck(seqs(records), total)).toEqual({ duplicates: [], missing: [], extra: [] });
  expect(records).toHaveLength(total);
}

/** A logger whose next record's time can be set: `at(t, () => logger.info(...))`. */
function stampable(transport: ReturnType<typeof res.transport>): { logger: pino.Logger; at(time: number, log: () => void): void } {
  let stamp: number | undefined;
  const logger = pino({ level: 'trace', timestamp: () => `,"time":${stamp ?? Date.now()}` }, transport);
  return {
    logger,
    at(time, log) {
      stamp = time;
      try {
        log();
      } finally {
        stamp = undefined;
      }
    },
  };
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a synchronous throw');
}

describe('pino → Datamix: delivery', () => {
  it.each([1, 3])('5,000 records over all levels arrive exactly once, in order per session, with the right level (sessions: %i)', async (sessions) => {
    const emu = await res.emulator();
    const transport = datamixTransport(emu, {}, { sessions });
    const logger = pino({ level: 'trace' }, transport);
    const total = 5000;
    for (let n = 0; n < total; n++) {
      const level = PINO_LEVELS[n % PINO_LEVELS.length] as (typeof PINO_LEVELS)[number];
      logger[level]({ n }, 'msg');
    }
    await flushLogger(logger);

    const records = emu.datamix.records;
    expectExactlyOnce(records, total);
    for (const record of records) {
      const n = mustSeq(record.message);
      const level = PINO_LEVELS[n % PINO_LEVELS.length] as (typeof PINO_LEVELS)[number];
      expect(record.level, `record ${n} (${level})`).toBe(DATAMIX_OF[level]);
      expect(record.message).toMatch(/^msg \{"pid":\d+,"hostname":".*","n":\d+\}$/);
      expect(record.destination).toBe('test.app.dev');
    }
    for (const [sessionId, inSession] of groupBy(records, (r) => r.sessionId)) {
      expect(increasing(seqs(inSession)), `order within session ${sessionId}`).toBe(true);
    }
    if (sessions === 1) expect(increasing(seqs(records))).toBe(true);
    expect(emu.violations).toEqual([]);
    await endTransport(transport);
  });

  it('message text: msg then the fields as compact JSON, errors keep their stack, format json sends the whole record', async () => {
    const emu = await res.emulator();
    const text = datamixTransport(emu);
    const logger = pino({ level: 'trace' }, text);
    logger.info({ orderId: 42 }, 'order placed');
    logger.error(new Error('boom'));
    await flushLogger(logger);

    const [placed, boom] = emu.datamix.records;
    expect(placed?.message).toMatch(/^order placed \{"pid":\d+,"hostname":"[^"]*","orderId":42\}$/);
    expect(fieldsOf(placed?.message ?? '')).toMatchObject({ orderId: 42, pid: process.pid });
    expect(placed?.level).toBe('info');

    expect(boom?.level).toBe('error');
    expect(boom?.message.startsWith('boom {')).toBe(true);
    const err = fieldsOf(boom?.message ?? '').err as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.message).toBe('boom');
    expect(err.stack).toMatch(/^Error: boom\n\s+at /);
    expect(err.stack).toContain('pino-datamix.test');
    await endTransport(text);

    const tricky = ['a "quoted" \\ back\\slash\n\tnew line', 'ünïcødé 😀 中文', 'x","msg":"y', 'ends with a backslash \\'];
    const trickyLogger = pino({ level: 'trace' }, datamixTransport(emu));
    for (const [i, msg] of tricky.entries()) trickyLogger.warn({ n: i, inner: { msg: 'nested' } }, msg);
    await flushLogger(trickyLogger);
    const trickyRecords = emu.datamix.records.slice(2);
    expect(trickyRecords.map((r) => r.message.slice(0, r.message.indexOf(' {"pid"')))).toEqual(tricky);
    expect(trickyRecords.map((r) => fieldsOf(r.message.slice(r.message.indexOf(' {"pid"'))).inner)).toEqual(tricky.map(() => ({ msg: 'nested' })));
    emu.reset();

    const json = datamixTransport(emu, { format: 'json' });
    const jsonLogger = pino({ level: 'trace' }, json);
    jsonLogger.info({ orderId: 42 }, 'order placed');
    await flushLogger(jsonLogger);
    const last = emu.datamix.records[0];
    expect(emu.datamix.records).toHaveLength(1);
    const whole = JSON.parse(last?.message ?? '') as Record<string, unknown>;
    expect(whole).toMatchObject({ msg: 'order placed', level: 30, orderId: 42, pid: process.pid });
    expect(typeof whole.time).toBe('number');
    expect(last?.timestamp).toBe(whole.time);
    expect(emu.violations).toEqual([]);
  });
});

describe('pino → Datamix: time window', () => {
  it('by default, records 11 minutes old or 60 s ahead are not sent; fresh ones are', async () => {
    const emu = await res.emulator();
    const transport = datamixTransport(emu);
    const { logger, at } = stampable(transport);
    const now = Date.now();
    for (let n = 0; n < 10; n++) logger.info({ n }, 'fresh');
    for (let n = 10; n < 15; n++) at(now - 11 * MINUTE, () => logger.info({ n }, 'old'));
    for (let n = 15; n < 20; n++) at(now + 60_000, () => logger.info({ n }, 'future'));
    for (let n = 20; n < 25; n++) logger.warn({ n }, 'fresh again');
    await flushLogger(logger);

    expect(seqs(emu.datamix.records)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24]);
    expect(emu.violations.filter((v) => v.rule === 'time-window')).toEqual([]);
    expect(emu.violations).toEqual([]);
  });

  it("stale: 'restamp' sends them with the current time and the original time in the message", async () => {
    const emu = await res.emulator();
    const transport = datamixTransport(emu, { stale: 'restamp' });
    const { logger, at } = stampable(transport);
    const now = Date.now();
    const old = now - 11 * MINUTE;
    const future = now + 60_000;
    logger.info({ n: 0 }, 'fresh');
    for (let n = 1; n < 4; n++) at(old, () => logger.info({ n }, 'old'));
    for (let n = 4; n < 6; n++) at(future, () => logger.error({ n }, 'future'));
    await flushLogger(logger);

    const records = emu.datamix.records;
    expectExactlyOnce(records, 6);
    for (const record of records) {
      const n = mustSeq(record.message);
      if (n === 0) {
        expect(record.message).not.toContain('original time');
        continue;
      }
      const original = new Date(n < 4 ? old : future).toISOString();
      expect(record.message).toContain(original);
      expect(record.message).toContain(n < 4 ? 'old {' : 'future {');
      expect(Math.abs(record.timestamp - record.receivedAt)).toBeLessThan(MINUTE);
    }
    expect(emu.violations).toEqual([]);
  });

  it("judges the window by the server's clock (server 2 minutes behind)", async () => {
    const emu = await res.emulator({ clockOffsetMs: -2 * MINUTE });
    const transport = datamixTransport(emu);
    const { logger, at } = stampable(transport);
    // First request: the client learns the server's clock from its Date header.
    // (Stamped at the server's "now": local now is 2 minutes in the server's future.)
    at(Date.now() - 2 * MINUTE, () => logger.info({ n: 0 }, 'prime'));
    await flushLogger(logger);
    expect(seqs(emu.datamix.records)).toEqual([0]);

    const now = Date.now();
    // Stale by the local clock (10.5 min), but 8.5 min old for the server: delivered.
    at(now - 10.5 * MINUTE, () => logger.info({ n: 1 }, 'local-stale server-ok'));
    // 9 min local, 7 min for the server: delivered.
    at(now - 9 * MINUTE, () => logger.info({ n: 2 }, 'nine minutes'));
    // Local now is 2 minutes ahead of the server: outside its window, not sent.
    at(now, () => logger.info({ n: 3 }, 'local-now server-future'));
    // 13 min local, 11 min for the server: not sent.
    at(now - 13 * MINUTE, () => logger.info({ n: 4 }, 'stale for both'));
    await flushLogger(logger);

    expect(seqs(emu.datamix.records)).toEqual([0, 1, 2]);
    expect(emu.violations).toEqual([]);
  });

  it("judges the window by the server's clock (server 2 minutes ahead)", async () => {
    const emu = await res.emulator({ clockOffsetMs: 2 * MINUTE });
    const transport = datamixTransport(emu);
    const { logger, at } = stampable(transport);
    logger.info({ n: 0 }, 'prime');
    await flushLogger(logger);
    expect(seqs(emu.datamix.records)).toEqual([0]);

    const now = Date.now();
    // 60 s ahead by the local clock, 60 s old for the server: delivered.
    at(now + 60_000, () => logger.info({ n: 1 }, 'local-future server-ok'));
    // 7 min local, 9 min for the server: delivered.
    at(now - 7 * MINUTE, () => logger.info({ n: 2 }, 'seven minutes'));
    // 9 min local, 11 min for the server: not sent.
    at(now - 9 * MINUTE, () => logger.info({ n: 3 }, 'local-ok server-stale'));
    await flushLogger(logger);

    expect(seqs(emu.datamix.records)).toEqual([0, 1, 2]);
    expect(emu.violations).toEqual([]);
  });
});

describe('pino → Datamix: sessions and faults', () => {
  it('renews short sessions while logging continuously: every record once, no expired token', async () => {
    const emu = await res.emulator({ datamix: { sessionTtlMs: 2000 } });
    const transport = datamixTransport(emu);
    const logger = pino({ level: 'trace' }, transport);
    let n = 0;
    await new Promise<void>((resolve) => {
      const started = Date.now();
      const timer = setInterval(() => {
        logger.info({ n: n++ }, 'tick');
        if (Date.now() - started >= 6000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, n);
    expect(emu.datamix.sessionCreations).toBeGreaterThanOrEqual(3);
    expect(emu.violations.filter((v) => v.rule === 'expired-token')).toEqual([]);
    expect(emu.violations).toEqual([]);
    for (const [, inSession] of groupBy(emu.datamix.records, (r) => r.sessionId)) expect(increasing(seqs(inSession))).toBe(true);
  });

  it('503s, 429 with Retry-After and connection resets before processing: each record exactly once', async () => {
    const emu = await res.emulator();
    emu.faults.failNext(3, { status: 503, path: 'logs' });
    emu.faults.failNext(2, { status: 429, retryAfter: '1', path: 'logs' });
    emu.faults.resetNext(2, { when: 'before', path: 'logs' });
    const transport = datamixTransport(emu);
    const logger = pino({ level: 'trace' }, transport);
    const total = 2000;
    for (let n = 0; n < total; n++) logger.info({ n }, 'order');
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, total);
    expect(increasing(seqs(emu.datamix.records))).toBe(true);
    expect(emu.violations).toEqual([]);
    const kinds = emu.faults.injected.map((f) => f.kind);
    expect(kinds).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'reset-before', 'reset-before']);
    const statuses = emu.datamix.requests.filter((r) => r.path.endsWith('/logs')).map((r) => r.status);
    expect(statuses.slice(0, 7)).toEqual([503, 503, 503, 429, 429, 0, 0]);
    expect(statuses.slice(7).every((s) => s === 200)).toBe(true);
  });

  it('responses lost after processing: no duplicates, the re-sent token is refused as stale exactly once per reset', async () => {
    const emu = await res.emulator();
    emu.faults.resetNext(3, { when: 'after', path: 'logs' });
    const transport = datamixTransport(emu);
    const logger = pino({ level: 'trace' }, transport);
    const total = 2000;
    for (let n = 0; n < total; n++) logger.info({ n }, 'order');
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, total);
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['reset-after', 'reset-after', 'reset-after']);
    expect(emu.violations.map((v) => v.rule)).toEqual(['stale-token', 'stale-token', 'stale-token']);
  });

  it('hung requests (sessions and logs) time out and are retried on the same token; an outage is waited out: exactly once', async () => {
    const emu = await res.emulator();
    // Count-based, not a time window: however late the worker starts, its first session request hangs.
    emu.faults.hangNext(1, { path: 'sessions' });
    emu.faults.hangNext(2, { path: 'logs' });
    const transport = datamixTransport(emu, { retry: { baseMs: 50, maxMs: 1000, requestTimeoutMs: 1000 } });
    const logger = pino({ level: 'trace' }, transport);
    for (let n = 0; n < 1000; n++) logger.info({ n }, 'order');
    await flushLogger(logger);
    expect(emu.faults.injected.filter((f) => f.kind === 'hang' && f.path.endsWith('/logs'))).toHaveLength(2);
    expect(emu.faults.injected.filter((f) => f.kind === 'hang' && f.path === '/sessions')).toHaveLength(1);

    // An outage that lasts until the client has been refused twice (a condition, not a 3 s window a busy
    // machine can miss), then ends: the records must wait it out and arrive once.
    emu.faults.down();
    for (let n = 1000; n < 2000; n++) logger.info({ n }, 'order');
    await emu.waitFor(() => emu.faults.injected.filter((f) => f.kind === 'down').length >= 2);
    emu.faults.down(0);
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, 2000);
    expect(increasing(seqs(emu.datamix.records))).toBe(true);
    expect(emu.faults.injected.some((f) => f.kind === 'down')).toBe(true);
    expect(emu.violations).toEqual([]);
  });

  it('a wrong API key: the host keeps running, one clear error, no retry storm, key never printed', async () => {
    const emu = await res.emulator();
    const child = await runFixture('bad-key.mjs', [emu.url, 'datamix', 'wrong-key']);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('still alive');
    expect(linesWith(child.stderr, 'LOGFERRY_AUTH_FAILED')).toHaveLength(1);
    expect(child.stderr).not.toContain('wrong-key');
    expect(child.stdout).not.toContain('wrong-key');
    const sessionRequests = emu.datamix.requests.filter((r) => r.path === '/sessions');
    expect(sessionRequests.length).toBeGreaterThanOrEqual(1);
    expect(sessionRequests.length).toBeLessThanOrEqual(2);
    expect(emu.datamix.requests.filter((r) => r.path.endsWith('/logs'))).toEqual([]);
    expect(emu.datamix.records).toEqual([]);
  });
});

describe('pino → Datamix: sessions open as the worker starts', () => {
  it('the first lane opens its session before the first line is logged; a lane no batch needed opens none', async () => {
    const emu = await res.emulator();
    // No interval: only the flush sends, so the 500 records go as one batch.
    const logger = pino({ level: 'trace' }, datamixTransport(emu, { batch: { intervalMs: 60_000 } }, { sessions: 2 }));
    // Nothing logged yet: a worker that waited for its first batch would have made no request.
    await emu.waitFor(() => emu.datamix.sessionCreations === 1);
    const total = 500;
    for (let n = 0; n < total; n++) logger.info({ n }, 'order');
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, total);
    // One batch: the second lane was never needed, so it never made an (empty) session.
    expect(emu.datamix.sessionCreations).toBe(1);
    expect(emu.violations).toEqual([]);
  });

  it('a session request that fails at start counts as the first batch\'s attempt: retried, every record once', async () => {
    const emu = await res.emulator();
    emu.faults.failNext(2, { status: 503, path: 'sessions' });
    const logger = pino({ level: 'trace' }, datamixTransport(emu));
    await emu.waitFor(() => emu.faults.injected.length === 1);
    for (let n = 0; n < 300; n++) logger.info({ n }, 'order');
    await flushLogger(logger);

    expectExactlyOnce(emu.datamix.records, 300);
    expect(emu.datamix.requests.filter((r) => r.path === '/sessions').map((r) => r.status)).toEqual([503, 503, 200]);
    expect(emu.violations).toEqual([]);
  });

  it('ended with nothing logged while its session request hangs: the transport closes without waiting for it', { timeout: 8000 }, async () => {
    const emu = await res.emulator();
    emu.faults.hangNext(1, { path: 'sessions' });
    // requestTimeoutMs stays at its default (15 s): a close that waited for the request would outlast this test.
    const transport = datamixTransport(emu);
    // The worker starts its client once pino has sent it the logger's level config.
    pino({ level: 'trace' }, transport);
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'hang'));
    await endTransport(transport);
    expect(emu.datamix.records).toEqual([]);
  });
});

describe('pino → Datamix: a burst faster than the API (backpressure)', () => {
  // A 64 KiB buffer holds ~200 records; 20,000 arrive at once while every logs request takes 40 ms more.
  const total = 20_000;
  const slowApi = async (backpressure: boolean): Promise<{ emu: Emulator; logger: pino.Logger }> => {
    const emu = await res.emulator();
    emu.faults.delayNext(40, 40, { path: 'logs' });
    const transport = datamixTransport(emu, { buffer: { maxBytes: 64 * 1024, backpressure }, batch: { maxEvents: 200, intervalMs: 100 } });
    const logger = pino(transport);
    for (let n = 0; n < total; n++) logger.info({ n }, 'burst');
    return { emu, logger };
  };

  it('while the API answers, the worker stops reading instead of dropping: all 20,000 arrive exactly once', async () => {
    const { emu, logger } = await slowApi(true);
    await flushLogger(logger);
    expectExactlyOnce(emu.datamix.records, total);
  });

  it('with backpressure: false the buffer bound wins and the oldest records are dropped (the control case)', async () => {
    const { emu, logger } = await slowApi(false);
    await flushLogger(logger);
    const arrived = emu.datamix.records.length;
    expect(arrived).toBeLessThan(total);
    expect(onceCheck(seqs(emu.datamix.records), total).duplicates).toEqual([]);
  });
});

describe('pino → Datamix: pino configurations', () => {
  it('multi-target transport: logferry (level info) and pino/file both receive their records', async () => {
    const emu = await res.emulator();
    const dir = await mkdtemp(join(tmpdir(), 'logferry-e2e-'));
    try {
      const file = join(dir, 'app.log');
      const transport = res.transport({
        targets: [
          { target: '@logferry/pino', options: datamixOptions(emu.url), level: 'info' },
          { target: 'pino/file', options: { destination: file }, level: 'trace' },
        ],
      });
      const logger = pino({ level: 'trace' }, transport);
      const total = 60;
      for (let n = 0; n < total; n++) {
        const level = PINO_LEVELS[n % PINO_LEVELS.length] as (typeof PINO_LEVELS)[number];
        logger[level]({ n }, 'multi');
      }
      // info and above: 4 of every 6 records.
      await emu.waitFor(() => emu.datamix.records.length >= 40, 60_000);
      await flushLogger(logger);
      await endTransport(transport);

      const delivered = seqs(emu.datamix.records);
      expect(delivered).toEqual([...Array(total).keys()].filter((n) => n % 6 >= 2));
      for (const record of emu.datamix.records) {
        const n = mustSeq(record.message);
        expect(record.level).toBe(DATAMIX_OF[PINO_LEVELS[n % 6] as (typeof PINO_LEVELS)[number]]);
      }
      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([...Array(total).keys()]);
      expect(emu.violations).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const configs: [string, pino.LoggerOptions][] = [
    ['messageKey', { messageKey: 'message' }],
    ['level labels (formatters.level)', { formatters: { level: (label: string) => ({ level: label }) } }],
    ['ISO time (stdTimeFunctions.isoTime)', { timestamp: pino.stdTimeFunctions.isoTime }],
    ['epoch ms (stdTimeFunctions.epochTime)', { timestamp: pino.stdTimeFunctions.epochTime }],
    ['no time, no base', { timestamp: false, base: null }],
    ['nestedKey', { nestedKey: 'payload' }],
    ['errorKey', { errorKey: 'error' }],
    ['unix seconds (stdTimeFunctions.unixTime)', { timestamp: pino.stdTimeFunctions.unixTime }],
  ];
  it.each(configs)('pino option %s: records arrive with their level, message and a time in the window', async (_name, config) => {
    const emu = await res.emulator();
    const transport = datamixTransport(emu);
    const logger = pino({ ...config, level: 'trace' }, transport);
    const before = Date.now();
    logger.warn({ n: 0, orderId: 42 }, 'order placed');
    logger.error({ n: 1, err: new Error('boom') }, 'failed');
    logger.debug({ n: 2 }, 'details');
    await flushLogger(logger);

    expect(emu.datamix.records.map((r) => [mustSeq(r.message), r.level])).toEqual([
      [0, 'warn'],
      [1, 'error'],
      [2, 'debug'],
    ]);
    const [placed, failed] = emu.datamix.records;
    expect(placed?.message.startsWith('order placed {')).toBe(true);
    expect(placed?.message).toContain('"orderId":42');
    expect(failed?.message.startsWith('failed {')).toBe(true);
    expect(failed?.message).toContain('Error: boom');
    // Whatever the time format, the record's own time is kept (to the second pino wrote).
    for (const record of emu.datamix.records) {
      expect(record.timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(record.timestamp).toBeLessThanOrEqual(record.receivedAt + 1000);
    }
    expect(emu.violations).toEqual([]);
  });

  it('custom levels map to the nearest standard level below, unless the levels option says otherwise', async () => {
    const emu = await res.emulator();
    const plain = datamixTransport(emu);
    const logger = pino<'audit'>({ customLevels: { audit: 35 }, level: 'trace' }, plain);
    logger.audit({ n: 0 }, 'x');
    await flushLogger(logger);
    await endTransport(plain);

    const mapped = datamixTransport(emu, { levels: { audit: 'warn' } });
    const mappedLogger = pino<'audit'>({ customLevels: { audit: 35 }, level: 'trace' }, mapped);
    mappedLogger.audit({ n: 1 }, 'x');
    mappedLogger.info({ n: 2 }, 'plain info');
    await flushLogger(mappedLogger);

    expect(emu.datamix.records.map((r) => [mustSeq(r.message), r.level])).toEqual([
      [0, 'info'],
      [1, 'warn'],
      [2, 'info'],
    ]);
    expect(emu.violations).toEqual([]);
  });
});

describe('pino → Datamix: option errors', () => {
  it('a bad option in a pino transport: the host stays up, the error names the field and not the key', async () => {
    const emu = await res.emulator();
    const child = await runFixture('bad-option.mjs', [emu.url]);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('still alive');
    expect(child.stderr).toContain('sink.sessions');
    expect(linesWith(child.stderr, 'LOGFERRY_BAD_OPTION')).toHaveLength(1);
    expect(child.stderr).not.toContain('secret-key-xyz');
    expect(child.stdout).not.toContain('secret-key-xyz');
    expect(emu.datamix.requests).toEqual([]);
  });

  it('createClient throws LOGFERRY_BAD_OPTION synchronously, naming the field', () => {
    const hooks = { exitHooks: false };
    const cases: [unknown, string][] = [
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz', sessions: 'two' } }, 'sink.sessions'],
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz', sessions: 0 } }, 'sink.sessions'],
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz' }, batch: { intervalMs: -1 } }, 'batch.intervalMs'],
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz' }, stale: 'keep' }, 'stale'],
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz', url: 'not a url' } }, 'sink.url'],
      [{ sink: { type: 'datamix', apiKey: 'secret-key-xyz', colour: 'blue' } }, 'sink'],
      [{ sink: { type: 'carrier-pigeon' } }, 'sink.type'],
    ];
    for (const [options, field] of cases) {
      // Wrong on purpose, as from untyped JavaScript or a JSON file: the schema catches it at run time.
      const error = thrownBy(() => createClient(options as LogferryOptions, hooks));
      expect(error).toBeInstanceOf(LogferryError);
      expect((error as LogferryError).code).toBe('LOGFERRY_BAD_OPTION');
      expect((error as LogferryError).message).toContain(field);
      expect((error as LogferryError).message).not.toContain('secret-key-xyz');
    }
  });

  it('createClient refuses plain http:// to a non-loopback host (LOGFERRY_INSECURE_URL)', async () => {
    const error = thrownBy(() => createClient({ sink: { type: 'datamix', apiKey: 'secret-key-xyz', url: 'http://10.1.2.3' } }, { exitHooks: false }));
    expect(error).toBeInstanceOf(LogferryError);
    expect((error as LogferryError).code).toBe('LOGFERRY_INSECURE_URL');
    expect((error as LogferryError).message).toContain('sink.url');
    expect((error as LogferryError).message).not.toContain('secret-key-xyz');

    const initialState = thrownBy(() =>
      createClient({ sink: { type: 'initialstate', clientKey: 'secret-key-xyz', bucketName: 'b', eventsUrl: 'http://10.1.2.3:8080' } }, { exitHooks: false }),
    );
    expect((initialState as LogferryError).code).toBe('LOGFERRY_INSECURE_URL');
    expect((initialState as LogferryError).message).toContain('sink.eventsUrl');

    // Loopback, https, or an explicit opt-in are fine.
    for (const options of [
      { sink: { type: 'datamix', apiKey: 'k', url: 'http://127.0.0.1:9' } },
      { sink: { type: 'datamix', apiKey: 'k', url: 'https://10.1.2.3' } },
      { sink: { type: 'datamix', apiKey: 'k', url: 'http://10.1.2.3' }, allowInsecure: true },
    ] satisfies LogferryOptions[]) {
      await res.client(createClient(options, { exitHooks: false })).close();
    }
  });
});

describe('the pino worker bundle', () => {
  it('loads only what Datamix needs: no node:crypto beyond what node:http itself loads (Initial State loads it to name a bucket)', async () => {
    const { Worker } = await import('node:worker_threads');
    /** The crypto modules a fresh worker has after importing `specifier`. */
    const cryptoAfter = async (specifier: string): Promise<string[]> => {
      const worker = new Worker(
        `import(${JSON.stringify(specifier)}).then(() => require('node:worker_threads').parentPort.postMessage(process.moduleLoadList.filter((m) => / crypto$/.test(m))));`,
        { eval: true },
      );
      try {
        return await new Promise<string[]>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      } finally {
        await worker.terminate();
      }
    };
    // Node 22 and later load crypto with node:http; Node 20 does not.
    expect(await cryptoAfter(import.meta.resolve('@logferry/pino'))).toEqual(await cryptoAfter('node:http'));
  });
});
