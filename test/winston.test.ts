import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { uuidV5 } from '@logferry/core';
import { LogferryTransport } from '@logferry/winston';
import { finished } from './support/winston.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

/** The sequence number a record carries in its JSON fields. */
function seqOf(text: string): number {
  const m = /"n":(\d+)/.exec(text);
  if (!m) throw new Error(`no sequence number in ${text.slice(0, 200)}`);
  return Number(m[1]);
}

const NPM_EXPECTED: Record<string, string> = { error: 'error', warn: 'warn', info: 'info', http: 'info', verbose: 'debug', debug: 'debug', silly: 'debug' };
const SYSLOG_EXPECTED: Record<string, string> = { emerg: 'fatal', alert: 'fatal', crit: 'fatal', error: 'error', warning: 'warn', notice: 'info', info: 'info', debug: 'debug' };

describe.each([
  { name: 'worker thread', worker: true },
  { name: 'inline (worker: false)', worker: false },
])('winston → Datamix, $name', ({ worker }) => {
  it.each([
    { set: 'npm', levels: winston.config.npm.levels, expected: NPM_EXPECTED, lowest: 'silly' },
    { set: 'syslog', levels: winston.config.syslog.levels, expected: SYSLOG_EXPECTED, lowest: 'debug' },
  ])('5,000 records with $set levels arrive exactly once with the right levels', async ({ levels, expected, lowest }) => {
    const names = Object.keys(levels);
    const logger = winston.createLogger({
      levels,
      level: lowest,
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 50 }, worker })],
    });
    const sent: string[] = [];
    for (let n = 0; n < 5000; n++) {
      const level = names[n % names.length] as string;
      sent.push(level);
      logger.log(level, `record ${n}`, { n });
    }
    await finished(logger);
    const records = emu.datamix.records;
    expect(records).toHaveLength(5000);
    const seen = new Set<number>();
    for (const r of records) {
      const n = seqOf(r.message);
      expect(seen.has(n)).toBe(false);
      seen.add(n);
      expect(r.level).toBe(expected[sent[n] as string]);
      expect(r.message.startsWith(`record ${n} `)).toBe(true);
    }
    expect(emu.violations).toEqual([]);
  });

  it('uses the record timestamp from format.timestamp(), in any format it produces', async () => {
    const logger = winston.createLogger({
      format: winston.format.combine(winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss.SSS' }), winston.format.json()),
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, worker })],
    });
    const before = Date.now();
    logger.info('stamped');
    await finished(logger);
    const [record] = emu.datamix.records;
    expect(record?.timestamp).toBeGreaterThanOrEqual(before - 1000);
    expect(record?.timestamp).toBeLessThanOrEqual(Date.now());
    // The local-time string was parsed, not replaced by the send time: millisecond precision kept.
    expect(record?.message).toBe('stamped');
  });

  it("format: 'formatted' ships winston's own formatted line (info[MESSAGE]); the default keeps message + fields", async () => {
    const printf = winston.format.printf((info) => `${String(info.level).toUpperCase()} [${String(info.service)}] ${String(info.message)}`);
    const formatted = winston.createLogger({
      format: printf,
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, format: 'formatted', worker })],
    });
    formatted.info('shipped as printed', { service: 'cart' });
    await finished(formatted);
    const plain = winston.createLogger({
      format: printf,
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, worker })],
    });
    plain.info('shipped with fields', { service: 'cart' });
    await finished(plain);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['INFO [cart] shipped as printed', 'shipped with fields {"service":"cart"}']);
  });

  it('odd metadata — circular, BigInt, Error, 1 MB string — arrives in a sensible form', async () => {
    const logger = winston.createLogger({
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, worker })],
    });
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    logger.info('circular', { circular });
    logger.info('bigint', { big: 12345678901234567890n });
    logger.error('failed', { err: new Error('disk full') });
    logger.info('huge', { blob: 'x'.repeat(1024 * 1024) });
    await finished(logger);
    const byMsg = new Map(emu.datamix.records.map((r) => [r.message.split(' ')[0], r.message]));
    expect(byMsg.get('circular')).toContain('"self":"[Circular]"');
    expect(byMsg.get('bigint')).toContain('"big":"12345678901234567890"');
    expect(byMsg.get('failed')).toContain('disk full');
    expect(byMsg.get('failed')).toContain('"stack":"Error: disk full');
    expect(byMsg.get('huge')?.length).toBeGreaterThan(1024 * 1024);
    expect(emu.violations).toEqual([]);
  });
});

describe('winston lifecycle', () => {
  it('records logged right before logger.end() all arrive before finish', async () => {
    const logger = winston.createLogger({
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 60_000 } })],
    });
    for (let n = 0; n < 300; n++) logger.info('last words', { n });
    await finished(logger);
    // No waiting after finish: it already means delivered.
    expect(emu.datamix.records).toHaveLength(300);
  });

  it('two transports side by side, one per backend, and stats() from the worker', async () => {
    const datamix = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
    const initialState = new LogferryTransport({
      sink: { type: 'initialstate', clientKey: 'test-client-key', bucketName: 'winston-bucket', apiUrl: emu.url, eventsUrl: emu.url, requestsPerSecond: 100 },
    });
    const logger = winston.createLogger({ transports: [datamix, initialState] });
    for (let n = 0; n < 100; n++) logger.info('both', { n });
    await datamix.flush();
    expect(await datamix.stats()).toMatchObject({ logged: 100, delivered: 100, dropped: 0 });
    await finished(logger);
    expect(emu.datamix.records).toHaveLength(100);
    expect(emu.initialState.events).toHaveLength(100);
    expect(emu.initialState.buckets).toEqual([expect.objectContaining({ bucketId: uuidV5('winston-bucket'), bucketName: 'winston-bucket' })]);
  });

  it('a bad key reaches logger.on("error") once, clearly, without the key', async () => {
    const errors: Error[] = [];
    const logger = winston.createLogger({
      transports: [new LogferryTransport({ sink: { type: 'datamix', apiKey: 'not-the-right-key', url: emu.url } })],
    });
    logger.on('error', (err: Error) => errors.push(err));
    for (let n = 0; n < 50; n++) logger.info('doomed', { n });
    await finished(logger);
    const auth = errors.filter((e) => (e as Error & { code?: string }).code === 'LOGFERRY_AUTH_FAILED');
    expect(auth).toHaveLength(1);
    expect(auth[0]?.message).toMatch(/API key/);
    expect(errors.map((e) => e.message).join('\n')).not.toContain('not-the-right-key');
    expect(emu.datamix.requests.filter((r) => r.path === '/sessions').length).toBeLessThanOrEqual(2);
  });

  it('if the worker dies, the app keeps running and later records ship from the main thread', async () => {
    const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
    const errors: Error[] = [];
    const logger = winston.createLogger({ transports: [transport] });
    logger.on('error', (err: Error) => errors.push(err));
    logger.info('before', { n: 0 });
    await transport.flush();
    // Reach in as a crash would: terminate the worker thread under the transport.
    const thread = (transport as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread;
    await thread.worker.terminate();
    await emu.waitFor(() => errors.length > 0, 10_000);
    for (let n = 1; n <= 100; n++) logger.info('after', { n });
    await finished(logger);
    expect(errors.map((e) => (e as Error & { code?: string }).code)).toContain('LOGFERRY_WORKER');
    const after = emu.datamix.records.filter((r) => r.message.startsWith('after '));
    expect(after).toHaveLength(100);
  });

  it('after a reported error (a give-up), the transport keeps shipping', async () => {
    const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, retry: { baseMs: 10, maxMs: 20, maxElapsedMs: 0 } });
    const errors: Error[] = [];
    const logger = winston.createLogger({ transports: [transport] });
    logger.on('error', (err: Error) => errors.push(err));
    emu.faults.failNext(1, { status: 503, path: 'logs' });
    logger.info('lost', { n: 0 });
    await transport.flush();
    expect(errors.map((e) => (e as Error & { code?: string }).code)).toContain('LOGFERRY_GAVE_UP');
    for (let n = 1; n <= 50; n++) logger.info('kept', { n });
    await finished(logger);
    expect(emu.datamix.records.filter((r) => r.message.startsWith('kept '))).toHaveLength(50);
    expect(await transport.stats()).toMatchObject({ logged: 51, delivered: 50, dropped: 1 });
  });

  it('records logged after close() are reported once, not lost silently', async () => {
    const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
    const errors: Error[] = [];
    transport.on('error', (err: Error) => errors.push(err));
    transport.log({ level: 'info', message: 'kept' }, () => undefined);
    await transport.close();
    transport.log({ level: 'info', message: 'late 1' }, () => undefined);
    transport.log({ level: 'info', message: 'late 2' }, () => undefined);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['kept']);
    expect(errors.map((e) => (e as Error & { code?: string }).code)).toEqual(['LOGFERRY_CLOSED']);
  });

  it('bad options fail fast in the constructor, naming the field', () => {
    expect(() => new LogferryTransport({ sink: { type: 'datamix', apiKey: 'k-123456', sessions: 0 } })).toThrow(/sink\.sessions/);
    expect(() => new LogferryTransport({ sink: { type: 'datamix', apiKey: 'k-123456', url: 'http://10.9.8.7' } })).toThrow(/loopback/);
  });
});

describe('winston → Initial State', () => {
  it.each([true, false])('5,000 npm-level records arrive as 5,000 events (worker: %s)', async (worker) => {
    const logger = winston.createLogger({
      level: 'silly',
      transports: [
        new LogferryTransport({
          worker,
          sink: { type: 'initialstate', clientKey: 'test-client-key', bucketName: 'w-is', apiUrl: emu.url, eventsUrl: emu.url, requestsPerSecond: 100, fields: ['durationMs'] },
        }),
      ],
    });
    const names = Object.keys(winston.config.npm.levels);
    for (let n = 0; n < 5000; n++) logger.log(names[n % names.length] as string, `event ${n}`, { n, durationMs: n % 100 });
    await finished(logger);
    const logs = emu.initialState.events.filter((e) => e.sn === 'log');
    const durations = emu.initialState.events.filter((e) => e.sn === 'durationMs');
    expect(logs).toHaveLength(5000);
    expect(durations).toHaveLength(5000);
    expect(new Set(logs.map((e) => seqOf(String(e.v)))).size).toBe(5000);
    expect(logs.every((e) => /^(ERROR|WARN|INFO|DEBUG|FATAL) event \d+ /.test(String(e.v)))).toBe(true);
    expect(durations.every((e) => typeof e.v === 'number')).toBe(true);
    expect(emu.initialState.bucketCreations).toBe(1);
    expect(emu.violations).toEqual([]);
  });
});
