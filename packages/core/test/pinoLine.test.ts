import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LevelMap } from '../src/record/levels.js';
import { parseLineSlow, scanPinoLine } from '../src/intake/pinoLine.js';
import { pinoJsonLength, pinoText, type PinoSpans } from '../src/record/pinoText.js';
import { timeOf } from '../src/record/time.js';
import { textOf } from '../src/record/record.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

/** The message text as a JSON string literal, as a request body carries it. */
const pinoJson = (p: PinoSpans): string => JSON.stringify(pinoText(p));

const levels = new LevelMap({ pinoLevels: { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } });
const NOW = 1_700_000_000_000;

/**
 * The fast path's answer with its JSON message decoded: JSON.parse also proves it is valid JSON.
 * `textOf` (what the Datamix body is built from) must read the same text without decoding JSON.
 */
const fast = (line: string, key = 'msg'): { level: string; time: number; text: string } | undefined => {
  const f = scanPinoLine(line, levels, key);
  if (f === undefined) return undefined;
  const text = JSON.parse(pinoJson(f)) as string;
  expect(textOf(f)).toBe(text);
  return { level: f.level, time: f.time, text };
};
const slow = (line: string, key = 'msg'): ReturnType<typeof parseLineSlow> => parseLineSlow(line, levels, 'text', key, NOW);

/**
 * A line the way pino writes one: level and time first, then the user's fields in
 * the object's own key order (each value JSON.stringify'd), then the message last.
 */
function pinoLine(level: number, time: number, fields: Record<string, unknown>, msg?: string, messageKey = 'msg'): string {
  const body = JSON.stringify(fields).slice(1, -1);
  let line = `{"level":${level},"time":${time}`;
  if (body !== '') line += `,${body}`;
  if (msg !== undefined) line += `,${JSON.stringify(messageKey)}:${JSON.stringify(msg)}`;
  return `${line}}`;
}

/** Keys that carry meaning to the slow path are excluded here and tested on their own below. */
const RESERVED = new Set(['level', 'time', 'msg', 'message', 'timestamp', '__proto__']);
const keyArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('a', 'xmsg', 'msg ', 'Msg', 'msg"', '"msg":"', 'a\\', '0', '12', 'é', 'err'),
).filter((k) => !RESERVED.has(k));
const nestedWithMsg = fc.dictionary(fc.constantFrom('msg', 'a', 'b', 'level'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
const valueArb = fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: nestedWithMsg });
const fieldsArb = fc
  .array(fc.tuple(keyArb, valueArb), { maxLength: 5 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);
const msgTextArb = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 0x10ffff }), { minLength: 1, maxLength: 20 }).map((cps) => String.fromCodePoint(...cps)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
  fc.constantFrom('"', '\\', '\\"', '"}', 'a"msg":"b', '"msg":"', ',"msg":"x"}', '\n\t\u0000', '\u2028', '😀', '\ud800'),
  fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([a, b]) => `${a}"msg":"${b}`),
);

describe('scanPinoLine agrees with parseLineSlow', () => {
  it('property: on pino-shaped lines, when the fast path answers it gives the slow path’s level, time and text', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(10, 20, 30, 35, 40, 50, 60, 70),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fieldsArb,
        fc.option(msgTextArb, { nil: undefined }),
        (level, time, fields, msg) => {
          const line = pinoLine(level, time, fields, msg);
          const f = fast(line);
          const s = slow(line);
          expect(s).toBeDefined();
          if (f === undefined) return;
          answered++;
          expect({ level: f.level, time: f.time, text: f.text }).toEqual({ level: s?.level, time: s?.time, text: s?.text });
        },
      ),
      { numRuns: 300 },
    );
    // The fast path must actually be exercised, not just decline every line.
    expect(answered).toBeGreaterThan(150);
  });

  it('property: the same holds for a custom messageKey', () => {
    fc.assert(
      fc.property(fieldsArb, fc.option(msgTextArb, { nil: undefined }), (fields, msg) => {
        const { message: _m, text: _t, ...rest } = fields;
        const line = pinoLine(30, NOW, rest, msg, 'message');
        const f = fast(line, 'message');
        if (f === undefined) return;
        const s = slow(line, 'message');
        expect(f.text).toBe(s?.text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('scanPinoLine fixed cases', () => {
  it('scanPinoLine answers in one object reused by the next scan; a copy keeps its answer', () => {
    const a = `{"level":30,"time":${NOW},"reqId":7,"msg":"first"}`;
    const b = `{"level":50,"time":${NOW + 1},"msg":"second"}`;
    const scannedA = scanPinoLine(a, levels, 'msg');
    const parsedA = scannedA && { ...scannedA };
    expect(scannedA).toEqual(parsedA);
    const scannedB = scanPinoLine(b, levels, 'msg');
    expect(scannedB).toBe(scannedA);
    expect(scannedB).toMatchObject({ level: 'error', time: NOW + 1, line: b });
    expect(parsedA && JSON.parse(pinoJson(parsedA))).toBe('first {"reqId":7}');
  });

  it('level, time and message', () => {
    expect(fast('{"level":30,"time":1700000000000,"msg":"hello"}')).toEqual({ level: 'info', time: 1_700_000_000_000, text: 'hello' });
    expect(fast('{"level":50,"time":1795000000005,"pid":1,"hostname":"h","msg":"boom"}')).toEqual({
      level: 'error', time: 1795000000005, text: 'boom {"pid":1,"hostname":"h"}',
    });
  });

  it('no msg: the fast path defers to the slow one, which gives the fields alone; no fields at all: empty text', () => {
    const line = '{"level":40,"time":1795000000007,"a":1,"b":"x"}';
    expect(fast(line)).toBeUndefined();
    expect(slow(line)).toMatchObject({ level: 'warn', time: 1795000000007, text: '{"a":1,"b":"x"}' });
    expect(fast('{"level":30,"time":1795000000007}')).toEqual({ level: 'info', time: 1795000000007, text: '' });
  });

  it('a nested object holding a msg key is not the message', () => {
    const nestedLast = '{"level":30,"time":1,"req":{"id":1,"msg":"inner"}}';
    const fNested = fast(nestedLast);
    if (fNested) expect(fNested.text).toBe(slow(nestedLast)?.text);
    expect(slow(nestedLast)?.text).toBe('{"req":{"id":1,"msg":"inner"}}');

    const both = '{"level":30,"time":1,"req":{"id":1,"msg":"inner"},"msg":"outer"}';
    expect(fast(both)?.text).toBe('outer {"req":{"id":1,"msg":"inner"}}');
    expect(fast(both)?.text).toBe(slow(both)?.text);
  });

  it('msg with escapes and unicode', () => {
    const msg = 'quote " backslash \\ newline \n tab \t "msg":"x" é 😀 \u2028';
    const line = JSON.stringify({ level: 30, time: 1, a: 1, msg });
    expect(fast(line)?.text).toBe(`${msg} {"a":1}`);
    expect(fast(line)?.text).toBe(slow(line)?.text);
    const lone = JSON.stringify({ level: 30, time: 1, msg: 'x\ud800y' });
    expect(fast(lone)?.text).toBe('x\ud800y');
  });

  it('msg ending in an escaped quote or backslash', () => {
    for (const msg of ['ends with quote"', 'ends with backslash\\', '\\', '"']) {
      const line = JSON.stringify({ level: 30, time: 1, a: 'b', msg });
      expect(fast(line)?.text).toBe(`${msg} {"a":"b"}`);
    }
  });

  it('a custom messageKey', () => {
    const line = '{"level":30,"time":1,"a":1,"message":"hi"}';
    expect(fast(line, 'message')?.text).toBe('hi {"a":1}');
    expect(slow(line, 'message')?.text).toBe('hi {"a":1}');
    // with the custom key, "msg" is an ordinary field
    const other = '{"level":30,"time":1,"msg":"field","message":"hi"}';
    expect(fast(other, 'message')?.text).toBe('hi {"msg":"field"}');
    expect(slow(other, 'message')?.text).toBe('hi {"msg":"field"}');
  });

  it('a msg that is not last defers to the slow path', () => {
    expect(fast('{"level":30,"time":1,"msg":"hi","a":"b"}')).toBeUndefined();
  });

  it('declines lines that are not pino-shaped', () => {
    for (const line of [
      '{"time":1,"level":30,"msg":"x"}',
      '{"level":"info","time":1,"msg":"x"}',
      '{"level":30,"time":"2024-01-01","msg":"x"}',
      '{"level":30,"time":1,"msg":"x"',
      '{"level":30}',
      '{"level":30,"time":-5,"msg":"x"}',
      'plain text',
    ]) {
      expect(fast(line), line).toBeUndefined();
    }
  });

  it('an empty msg gives the same text as the slow path (no leading space)', () => {
    // Regression: the fast path returns `${message} {${fields}}` even when message is '' → ' {"a":1}';
    // the slow path (formatRecordText) returns '{"a":1}'. pino writes "msg":"" for logger.info({a:1}, '').
    const line = '{"level":30,"time":1,"a":1,"msg":""}';
    expect(fast(line)?.text).toBe(slow(line)?.text);
    expect(fast(line)?.text).toBe('{"a":1}');
  });

  it('a user field named "message" (no msg) gives the same text on both paths', () => {
    // Parity: the fast path only takes lines with a top-level msg, so such a line gets the slow path's reading.
    const line = '{"level":30,"time":1,"message":"hi"}';
    expect(fast(line)).toBeUndefined();
    expect(slow(line)?.text).toBe('hi');
  });

  it('a user field named "timestamp" is kept on both paths', () => {
    // Regression: the slow path drops a "timestamp" field even when "time" carries the time.
    const line = '{"level":30,"time":1,"timestamp":5,"msg":"x"}';
    expect(fast(line)?.text).toBe('x {"timestamp":5}');
    expect(slow(line)?.text).toBe(fast(line)?.text);
  });

  it('a user field named "__proto__" is kept on both paths', () => {
    // Regression: formatRecordText assigns rest["__proto__"] = value, which sets the prototype
    // instead of a field, so the slow path gives 'x {}'.
    const line = '{"level":30,"time":1,"__proto__":{"a":1},"msg":"x"}';
    expect(fast(line)?.text).toBe('x {"__proto__":{"a":1}}');
    expect(slow(line)?.text).toBe(fast(line)?.text);
  });
});

describe('parseLineSlow', () => {
  it('returns undefined for non-JSON and wraps JSON that is not an object', () => {
    expect(slow('not json')).toBeUndefined();
    expect(slow('{"level":30')).toBeUndefined();
    expect(slow('42')).toEqual({ level: 'info', time: NOW, text: '42' });
    expect(slow('[1,2]')).toEqual({ level: 'info', time: NOW, text: '[1,2]' });
    expect(slow('null')).toEqual({ level: 'info', time: NOW, text: 'null' });
  });

  it('reads level names, string times, timestamp, and falls back to now', () => {
    expect(slow('{"level":"warn","time":"2024-01-01T00:00:00.000Z","msg":"x"}')).toMatchObject({
      level: 'warn', time: Date.UTC(2024, 0, 1), text: 'x',
    });
    expect(slow('{"level":"warning","timestamp":1795000000123,"message":"m"}')).toMatchObject({ level: 'warn', time: 1795000000123, text: 'm' });
    expect(slow('{"msg":"x"}')).toMatchObject({ level: 'info', time: NOW });
    expect(slow('{"msg":"x"}')?.object).toEqual({ msg: 'x' });
  });

  it('json format gives the whole record', () => {
    const line = '{"level":30,"time":1,"msg":"x","a":[1]}';
    expect(parseLineSlow(line, levels, 'json', 'msg', NOW)?.text).toBe(line);
  });
});

describe('timeOf', () => {
  it('numbers, ISO strings, numeric strings, Dates, else the fallback', () => {
    expect(timeOf(1795000000005, 0)).toBe(1795000000005);
    // Below 1e11 an epoch number is seconds (pino's stdTimeFunctions.unixTime).
    expect(timeOf(1795000000, 0)).toBe(1795000000000);
    expect(fast('{"level":30,"time":1795000000,"msg":"s"}')?.time).toBe(1795000000000);
    expect(timeOf('2024-01-01T00:00:00Z', 0)).toBe(Date.UTC(2024, 0, 1));
    expect(timeOf(new Date(77), 0)).toBe(77);
    expect(timeOf(Number.NaN, 9)).toBe(9);
    expect(timeOf(Infinity, 9)).toBe(9);
    expect(timeOf('garbage', 9)).toBe(9);
    expect(timeOf(new Date(Number.NaN), 9)).toBe(9);
    expect(timeOf(undefined, 9)).toBe(9);
  });
});

describe('scanPinoLine never builds invalid JSON', () => {
  it('declines a message with a raw control character or a bad escape (the slow path decides)', () => {
    for (const raw of ['a\tb', 'a\\xb', 'a\\u12', 'a\\u12zz', 'bad\\']) {
      expect(scanPinoLine(`{"level":30,"time":1,"a":1,"msg":"${raw}"}`, levels, 'msg')).toBeUndefined();
    }
    expect(fast('{"level":30,"time":1,"msg":"ok \\u00e9 \\/ \\b"}')?.text).toBe('ok é / \b');
  });

  it('property: on any text that looks like a pino line, an answer is valid JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), (fields, msg) => {
        const line = `{"level":30,"time":1,${fields},"msg":"${msg}"}`;
        const f = scanPinoLine(line, levels, 'msg');
        if (f) expect(() => JSON.parse(pinoJson(f)) as unknown).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('pinoJsonLength', () => {
  it('property: exact when a quarter or less of the fields needs escaping, never below the unescaped length', () => {
    fc.assert(
      fc.property(fieldsArb, fc.option(msgTextArb, { nil: undefined }), (fields, msg) => {
        const f = scanPinoLine(pinoLine(30, NOW, fields, msg), levels, 'msg');
        if (!f) return;
        const json = pinoJson(f);
        const fieldsText = f.line.slice(f.fieldsStart, f.fieldsEnd);
        const escapes = fieldsText.length - fieldsText.replace(/["\\]/g, '').length;
        if (escapes * 4 <= fieldsText.length) expect(pinoJsonLength(f)).toBeGreaterThanOrEqual(json.length);
        expect(pinoJsonLength(f)).toBeGreaterThanOrEqual(json.length - escapes);
      }),
      { numRuns: 300 },
    );
  });
});
