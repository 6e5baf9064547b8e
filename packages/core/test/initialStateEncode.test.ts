import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHttp } from '../src/transport/createHttp.js';
import { parseOptions, type InitialStateSinkOptions } from '../src/options/options.js';
import { LevelMap } from '../src/record/levels.js';
import { scanPinoLine } from '../src/intake/pinoLine.js';
import { textOf, type LogRecord } from '../src/record/record.js';
import { InitialStateSink } from '../src/protocols/initialstate/initialStateSink.js';
import { capValue } from '../src/protocols/initialstate/eventMapping.js';

const MAX = 40;
const options = parseOptions({
  sink: { type: 'initialstate', clientKey: 'k', bucketName: 'b', maxValueLength: MAX },
}).sink as InitialStateSinkOptions;
const sink = new InitialStateSink(options, 1000, createHttp());

const levels = new LevelMap({ pinoLevels: { info: 30, warn: 40 } });

/** A record as pino's fast path makes it, from a line with `text` as its msg and no other fields. */
function pinoRecord(text: string, level: 'info' | 'warn', seq: number): LogRecord {
  const pino = scanPinoLine(JSON.stringify({ level: level === 'info' ? 30 : 40, time: 1_700_000_000_000, msg: text }), levels, 'msg');
  if (!pino) throw new Error('not a fast line');
  return { ...pino, level, seq, bytes: 1 };
}

const valuesOf = (records: LogRecord[]): unknown[] =>
  (JSON.parse(Buffer.from(sink.encode(records)).toString()) as { v: unknown }[]).map((e) => e.v);

describe('InitialStateSink.encode', () => {
  it('property: a record kept as a pino line (fast path) encodes like the same text, capped at maxValueLength', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 60 }), { minLength: 1, maxLength: 5 }), (texts) => {
        const asText = texts.map((text, i): LogRecord => ({ level: 'warn', time: 1_700_000_000_000, text, seq: i, bytes: 1 }));
        const asJson = texts.map((text, i) => pinoRecord(text, 'warn', i));
        const expected = texts.map((text) => capValue(`WARN ${text}`, MAX));
        expect(valuesOf(asText)).toEqual(expected);
        expect(valuesOf(asJson)).toEqual(expected);
      }),
    );
  });

  it('caps by the decoded length, not the escaped one', () => {
    const text = '"'.repeat(30); // 30 characters, 62 once escaped: fits uncapped
    expect(valuesOf([pinoRecord(text, 'info', 1)])).toEqual([`INFO ${text}`]);
  });
});

describe('InitialStateSink.encode in groups', () => {
  const withFields = new InitialStateSink(
    parseOptions({ sink: { type: 'initialstate', clientKey: 'k', bucketName: 'b"q', signal: 'app log', fields: ['status', 'ok', 'route'], maxValueLength: MAX } })
      .sink as InitialStateSinkOptions,
    1000,
    createHttp(),
  );
  const tid = withFields.bucketId;

  it('any number of records, around the 256-event groups, gives every event once, in order', () => {
    for (const n of [0, 1, 85, 86, 255, 256, 257, 600]) {
      const records: LogRecord[] = [];
      const expected: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const time = 1_700_000_000_000 + i;
        // Every third record has fields (three signals, so groups end mid-record too).
        const fields = i % 3 === 0 ? { status: i, ok: i % 2 === 0, route: `/r"${i}` } : undefined;
        records.push({ level: 'info', time, text: `t${i}`, fields, seq: i, bytes: 1 });
        expected.push({ b: 'b"q', tid, sn: 'app log', v: `INFO t${i}`, e: time / 1000 });
        if (fields) {
          expected.push({ b: 'b"q', tid, sn: 'status', v: i, e: time / 1000 });
          expected.push({ b: 'b"q', tid, sn: 'ok', v: i % 2 === 0, e: time / 1000 });
          expected.push({ b: 'b"q', tid, sn: 'route', v: `/r"${i}`, e: time / 1000 });
        }
      }
      expect(JSON.parse(Buffer.from(withFields.encode(records)).toString()), `${n} records`).toEqual(expected);
    }
  });
});

describe('InitialStateSink.encode by hand', () => {
  it('property: the body is byte for byte what JSON.stringify gives of the events (pino lines with fields, text records, any time, capped or not)', () => {
    const b = 'b"q';
    const textArb = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('request handled', '', 'a"b\\c', '\\n'));
    const timeArb = fc.oneof(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.double({ min: 0, max: 4e12, noNaN: true }), fc.constant(1e15 + 1));
    const fieldsArb = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
    const sinkB = new InitialStateSink({ ...options, bucketName: b }, 1000, createHttp());
    let byHand = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(textArb, timeArb, fieldsArb, fc.boolean()), { minLength: 1, maxLength: 5 }), (items) => {
        const records = items.map(([text, time, fields, asLine], seq): LogRecord => {
          if (!asLine || !Number.isInteger(time)) return { level: 'warn', time, text, seq, bytes: 1 };
          const body = JSON.stringify(fields).slice(1, -1);
          const line = `{"level":40,"time":${time}${body ? `,${body}` : ''},"msg":${JSON.stringify(text)}}`;
          const fast = scanPinoLine(line, levels, 'msg');
          return fast ? { ...fast, seq, bytes: 1 } : { level: 'warn', time, text, seq, bytes: 1 };
        });
        const expected = records.map((r) => ({ b, tid: sinkB.bucketId, sn: 'log', v: capValue(`WARN ${textOf(r)}`, MAX), e: r.time / 1000 }));
        const encoded = Buffer.from(sinkB.encode(records)).toString();
        expect(encoded).toBe(JSON.stringify(expected));
        byHand += expected.filter((e) => /^[ -~]*$/.test(e.v) && !e.v.endsWith('…')).length;
      }),
      { numRuns: 300 },
    );
    expect(byHand).toBeGreaterThan(300);
  });
});
