/**
 * The intake, fuzzed through the real worker path: generated pino lines
 * written to pino's transport stream (thread-stream, the @logferry/pino
 * worker, HTTP to the emulator) and generated winston records logged through
 * LogferryTransport's worker. Arbitrary JSON, invalid UTF-8, lone
 * surrogates, `__proto__`/`constructor` keys, numbers outside every range,
 * nesting 10,000 deep, a 5 MB line, and a last line with no newline.
 *
 * No worker or host crash, and every input is either delivered (its text
 * intact, or cut and marked) or counted with a reason in stats().
 * fast-check with a fixed seed (FUZZ_SEED); FUZZ_RUNS=100000 for a longer run.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import pino from 'pino';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import type { Stats } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { LogferryTransport } from '@logferry/winston';
import { useResources } from './support/lifecycle.js';
import { flushLogger } from './support/pino.js';
import { exitWithin, useResources as useProcesses } from './reliability/support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x2222);
const res = useResources();
const reliability = useProcesses();
const STATS_TARGET = fileURLToPath(new URL('./support/fixtures/pino-stats-target.mjs', import.meta.url));

/** Each input carries its number in a marker no generated text contains (generated text has no U+E000). */
const marker = (i: number | 'N'): string => `\uE000fz${i}\uE000`;
/** Generated inputs carry marker('N'); each is then given its number, byte for byte (latin1 maps bytes 1:1). */
const PLACEHOLDER = Buffer.from(marker('N')).toString('latin1');
const numbered = (line: Buffer, i: number): Buffer => Buffer.from(line.toString('latin1').replace(PLACEHOLDER, Buffer.from(marker(i)).toString('latin1')), 'latin1');
const MARKER = /\uE000fz(\d+)\uE000/g;

/** JSON number texts outside every range: beyond double, beyond safe integers, denormal underflow, negative zero. */
const WILD_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '1e-400', '-0', '9007199254740993', '1.7976931348623157e308', '5e-324'];
const WILD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'level', 'time', 'message', ''];

const wildNumber = fc.constantFrom(...WILD_NUMBERS);
/** Text of any code point, lone surrogates included (fast-check's 'binary' unit), without U+E000 and newlines. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\uE000\n\r]/g, '?'));
// Not `msg`: a second `msg` in a line replaces the first (JSON.parse keeps the last), marker and all.
const key = fc.oneof(fc.constantFrom(...WILD_KEYS), anyText).filter((k) => k !== 'msg');
const json = fc.jsonValue({ maxDepth: 3 });

/** A pino-shaped line: level and time (mostly sane, sometimes wild), msg with the marker, arbitrary fields. */
function pinoObjectLine(): fc.Arbitrary<Buffer> {
  const level = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('10', '20', '30', '40', '50', '60') }, wildNumber, fc.constant('"info"'), json.map((v) => JSON.stringify(v) ?? 'null'));
  const time = fc.oneof({ weight: 6, arbitrary: fc.constant('NOW') }, wildNumber, fc.constant('"2020-01-01T00:00:00Z"'), json.map((v) => JSON.stringify(v) ?? 'null'));
  const field = fc.tuple(key, fc.oneof(json.map((v) => JSON.stringify(v) ?? 'null'), wildNumber));
  return fc.record({ level, time, text: anyText, fields: fc.array(field, { maxLength: 5 }) }).map(({ level: l, time: t, text, fields }) => {
    const msg = `${marker('N')}${text}`;
    const parts = [`"level":${l}`, `"time":${t === 'NOW' ? String(Date.now()) : t}`, `"msg":${JSON.stringify(msg)}`];
    for (const [k, v] of fields) parts.push(`${JSON.stringify(k)}:${v}`);
    return Buffer.from(`{${parts.join(',')}}`);
  });
}

/** Any JSON value as a line (valid JSON that is not a pino record), or JSON text with garbage after it (not JSON). */
function otherJsonLine(): fc.Arbitrary<Buffer> {
  return fc.oneof(
    json.map((v) => Buffer.from(JSON.stringify([marker('N'), v]))),
    json.map((v) => Buffer.from(`${JSON.stringify(v) ?? ''} ${marker('N')}`)),
    anyText.map((t) => Buffer.from(`${JSON.stringify(t)}${marker('N')}`)),
  );
}

/** Bytes that are not UTF-8 (lone continuation bytes, overlongs, truncated sequences, surrogates encoded), with the marker. */
function invalidUtf8Line(): fc.Arbitrary<Buffer> {
  const bad = fc.constantFrom([0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f]);
  const chunk = fc.oneof(bad, fc.uint8Array({ maxLength: 8 }).map((a) => [...a].filter((b) => b !== 0x0a && b !== 0x0d)));
  return fc.array(chunk, { minLength: 1, maxLength: 6 }).map((chunks) => {
    const bytes = Buffer.from(chunks.flat());
    const inObject = bytes[0] !== undefined && bytes[0] % 2 === 0;
    // Half inside a pino record's msg (the fast path's string scanner), half as a bare line.
    return inObject
      ? Buffer.concat([Buffer.from(`{"level":30,"time":${Date.now()},"msg":"${marker('N')}`), bytes.filter((b) => b !== 0x22 && b !== 0x5c && b >= 0x20), Buffer.from('"}')])
      : Buffer.concat([Buffer.from(marker('N')), bytes]);
  });
}

function deepLine(i: number, depth: number): Buffer {
  return Buffer.from(`{"level":30,"time":${Date.now()},"msg":"${marker(i)}deep","a":${'{"d":'.repeat(depth)}1${'}'.repeat(depth)}}`);
}

/** The inputs, fixed by the seed: a few hand-made extremes first, then generated ones. */
function pinoInputs(count: number): Buffer[] {
  const fixed = [
    deepLine(0, 10_000),
    Buffer.from(`{"level":30,"time":${Date.now()},"msg":"${marker(1)}big","a":"${'x'.repeat(5 * 1024 * 1024)}"}`),
    Buffer.from(`{"level":30,"time":${Date.now()},"msg":"${marker(2)}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`),
    Buffer.from(`{"level":1e400,"time":-1e400,"msg":"${marker(3)}","n":123456789012345678901234567890}`),
    // A deep line the fast path cannot take (a wild level): the slow path parses and re-writes it.
    Buffer.from(`{"level":1e400,"msg":"${marker(4)}","a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
  ];
  const line = fc.oneof({ weight: 5, arbitrary: pinoObjectLine() }, { weight: 2, arbitrary: otherJsonLine() }, { weight: 2, arbitrary: invalidUtf8Line() });
  const generated = fc.sample(line, { numRuns: count - fixed.length, seed: SEED });
  return [...fixed, ...generated.map((l, k) => numbered(l, fixed.length + k))];
}

/** Which input each received message is (by its marker); a message with no marker or two is a bug. */
function byInput(messages: readonly string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of messages) {
    const found = [...m.matchAll(MARKER)].map((x) => Number(x[1]));
    expect(found.length, `a message with ${found.length} markers: ${JSON.stringify(m.slice(0, 200))}`).toBeGreaterThan(0);
    const i = found[0] as number;
    out.set(i, [...(out.get(i) ?? []), m]);
  }
  return out;
}

function sum(table: Record<string, number>): number {
  return Object.values(table).reduce((a, b) => a + b, 0);
}

/** Every input delivered once or counted: delivered + rejected + filtered + dropped (+ spooled) = logged = inputs, each count with its reason. */
function expectAccounted(stats: Stats | Pick<Stats, 'dropped'>, inputs: number, received: Map<number, string[]>): Stats {
  const s = stats as Stats;
  for (const [i, messages] of received) expect(messages.length, `input ${i} arrived ${messages.length} times`).toBe(1);
  expect(s.logged).toBe(inputs);
  expect(s.delivered).toBe(received.size);
  expect(s.delivered + s.rejected + s.filtered + s.dropped + s.spooled).toBe(inputs);
  expect(sum(s.rejectedReasons)).toBe(s.rejected);
  expect(sum(s.droppedReasons)).toBe(s.dropped);
  return s;
}

function statsOf(stream: ReturnType<typeof pino.transport>): Promise<Stats> {
  return new Promise((resolve) => {
    stream.once('fuzz:stats', (stats: Stats) => resolve(stats));
    stream.emit('message', { code: 'FUZZ_STATS' });
  });
}

/** What a message that is a cut version of `full` looks like: a prefix of it, then the mark. */
function isCutOf(message: string, full: string): boolean {
  const mark = message.lastIndexOf('…');
  return mark > 0 && full.startsWith(message.slice(0, mark));
}

async function datamix(): Promise<Emulator> {
  return res.emulator({ maxRecords: 1_000_000, maxBodyBytes: 64 * 1024 * 1024 });
}

const OPTIONS = (emu: Emulator): Record<string, unknown> => ({
  sink: { type: 'datamix', apiKey: 'test-key', url: emu.url },
  batch: { intervalMs: 20 },
  retry: { baseMs: 20, maxMs: 200 },
  exitTimeoutMs: 60_000,
});

describe('fuzzed intake through the real worker path', () => {
  it(`pino: ${RUNS} generated lines (arbitrary JSON, invalid UTF-8, lone surrogates, __proto__, wild numbers, 10,000 deep, 5 MB): each delivered intact or counted`, async () => {
    const emu = await datamix();
    const stream = res.transport({ target: STATS_TARGET, options: OPTIONS(emu) });
    const errors: Error[] = [];
    stream.on('error', (e: Error) => errors.push(e));
    const logger = pino(stream);
    const inputs = pinoInputs(RUNS);
    // Bytes, not strings: thread-stream takes Buffers as they are, so invalid UTF-8 reaches the worker's decoder.
    const raw = stream as unknown as { write(bytes: Buffer): boolean };
    for (const line of inputs) raw.write(Buffer.concat([line, Buffer.from('\n')]));
    await flushLogger(logger);
    const stats = await statsOf(stream);
    expect(errors).toEqual([]);
    const received = byInput(emu.datamix.records.map((r) => r.message));
    const s = expectAccounted(stats, inputs.length, received);
    // What arrived is the line's text as the worker decoded it (invalid UTF-8 as U+FFFD): the message
    // itself for a pino record (then its other fields), the whole line otherwise; or cut and marked.
    for (const [i, [message]] of received) {
      const text = (inputs[i] as Buffer).toString('utf8');
      let expected = text;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { msg?: unknown }).msg === 'string') {
          expected = (parsed as { msg: string }).msg;
        }
      } catch {
        // not JSON: the line is the message
      }
      const m = message as string;
      if (!m.startsWith(expected) && !isCutOf(m, expected)) expect.fail(`input ${i}: ${JSON.stringify(m.slice(0, 300))} does not start with ${JSON.stringify(expected.slice(0, 300))}`);
    }
    // The hand-made extremes: the deep line and the 5 MB line arrive; __proto__ reached nobody's prototype.
    expect(received.has(0) && received.has(1)).toBe(true);
    expect((received.get(1)?.[0] ?? '').length).toBeGreaterThan(5 * 1024 * 1024);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(emu.violations).toEqual([]);
    expect(s.droppedReasons).toEqual({});
  });

  it('pino: a last line with no newline at the end of the stream is delivered when the app exits', async () => {
    // In a child process: at exit the app's thread blocks in end() while the worker sends the last line,
    // so the emulator must not run on that thread.
    const emu = await datamix();
    const child = reliability.spawn('no-newline-child.mjs', { options: OPTIONS(emu), lines: [`${marker(0)}first`, `${marker(1)}last, no newline`] });
    const info = await exitWithin(child, 60_000);
    expect(info, child.stderr()).toMatchObject({ code: 0, signal: null });
    expect(emu.datamix.records.map((r) => r.message)).toEqual([`${marker(0)}first`, `${marker(1)}last, no newline`]);
  });

  it(`winston: ${RUNS} generated records (any metadata, lone surrogates, __proto__ and constructor keys, BigInt, non-finite numbers, 10,000 deep): each delivered intact or counted`, async () => {
    const emu = await datamix();
    const transport = new LogferryTransport(OPTIONS(emu) as ConstructorParameters<typeof LogferryTransport>[0]);
    // No winston format: its json() (safe-stable-stringify) overflows the stack on 10,000 levels in the app itself.
    const logger = winston.createLogger({ levels: winston.config.npm.levels, level: 'silly', format: winston.format((i) => i)(), transports: [transport] });
    const errors: Error[] = [];
    logger.on('error', (e: Error) => errors.push(e));
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let d = 0; d < 10_000; d++) deep = { d: deep };
    const wild = fc.constantFrom<unknown>(10n ** 30n, Infinity, -Infinity, Number.NaN, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, undefined, null);
    const meta = fc.dictionary(key, fc.oneof(json, wild, anyText), { maxKeys: 5 }).map((d) => JSON.parse(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>);
    const level = fc.constantFrom('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly');
    const records = fc.sample(fc.record({ level, text: anyText, meta, wildValue: wild }), { numRuns: RUNS, seed: SEED });
    const messages: string[] = [];
    records.forEach(({ level: l, text, meta: m, wildValue }, i) => {
      const message = `${marker(i)}${text}`;
      messages.push(message);
      // An info object built by hand, its own `__proto__`/`constructor` keys kept (JSON.parse makes them own keys).
      const info: Record<string, unknown> = Object.assign(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}') as object, m);
      Object.assign(info, { level: l, message, wild: wildValue });
      if (i === 0) info.deep = deep;
      logger.log(info as winston.LogEntry);
    });
    await transport.flush();
    const stats = await transport.stats();
    // A record whose metadata says `time`/`timestamp` far off is left out (counted as filtered, with this notice).
    expect(errors.filter((e) => !(e as { code?: string }).code?.startsWith('LOGFERRY_DROPPED'))).toEqual([]);
    const received = byInput(emu.datamix.records.map((r) => r.message));
    const s = expectAccounted(stats as Stats, records.length, received);
    expect(s.droppedReasons).toEqual({});
    expect(s.rejected).toBe(0);
    for (const [i, [message]] of received) {
      const expected = messages[i] as string;
      if (!(message as string).startsWith(expected)) expect.fail(`record ${i}: ${JSON.stringify((message as string).slice(0, 300))} does not start with ${JSON.stringify(expected.slice(0, 300))}`);
    }
    expect(received.get(0)?.[0]).toContain('[cut: nested deeper than 1000 levels]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(emu.violations).toEqual([]);
    await transport.close();
  });
});
