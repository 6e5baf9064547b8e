import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyWriter } from '../src/record/bodyWriter.js';
import { LevelMap } from '../src/record/levels.js';
import { scanPinoLine } from '../src/intake/pinoLine.js';
import { textOf, type LogRecord } from '../src/record/record.js';
import { writeMessage } from '../src/protocols/datamix/datamixSink.js';

fc.configureGlobal({ seed: 0x10f3e77 });

const levels = new LevelMap({ pinoLevels: { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } });

/** The messages array as the Datamix sink writes it: by hand when writeMessage can, else through JSON.stringify. */
function written(records: LogRecord[]): { json: unknown; byHand: number } {
  const body = new BodyWriter(64, 4);
  let byHand = 0;
  for (const r of records) {
    const timestamp = Math.round(r.time);
    if (writeMessage(body, r, timestamp)) byHand++;
    else body.item({ level: r.level, timestamp, message: textOf(r) });
  }
  body.closeArray();
  return { json: JSON.parse(Buffer.from(body.bytes()).toString()), byHand };
}

const expected = (records: LogRecord[]): unknown => records.map((r) => ({ level: r.level, timestamp: Math.round(r.time), message: textOf(r) }));

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('request handled', '', '"', '\\', '\\"', 'a"msg":"b', '\n\t\u0000', '\u2028', '😀', '\ud800', '{}'),
);
const fields = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('reqId', 'a"b', 'c\\')), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});

describe('Datamix messages written by hand', () => {
  it('property: pino lines give the same messages as JSON.stringify of their text (msg, escapes, fields, non-ASCII)', () => {
    let byHand = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(20, 30, 40, 50, 60), fc.integer({ min: 0, max: 4_000_000_000_000 }), fields, fc.option(text, { nil: undefined })), {
          minLength: 1,
          maxLength: 6,
        }),
        (lines) => {
          const records: LogRecord[] = [];
          for (const [level, time, f, msg] of lines) {
            const body = JSON.stringify(f).slice(1, -1);
            const line = `{"level":${level},"time":${time}${body ? `,${body}` : ''}${msg === undefined ? '' : `,"msg":${JSON.stringify(msg)}`}}`;
            const fast = scanPinoLine(line, levels, 'msg');
            if (fast) records.push({ ...fast, seq: 0, bytes: 0 });
          }
          const out = written(records);
          byHand += out.byHand;
          expect(out.json).toEqual(expected(records));
        },
      ),
      { numRuns: 300 },
    );
    expect(byHand).toBeGreaterThan(200);
  });

  it('property: records with text (winston, or lines pino did not write) give the same messages too', () => {
    let byHand = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.double({ min: 0, max: 4e12, noNaN: true })), { minLength: 1, maxLength: 6 }), (items) => {
        const records: LogRecord[] = items.map(([t, time]) => ({ level: 'warn', time, text: t, seq: 0, bytes: 0 }));
        const out = written(records);
        byHand += out.byHand;
        expect(out.json).toEqual(expected(records));
      }),
      { numRuns: 200 },
    );
    expect(byHand).toBeGreaterThan(100);
  });
});
