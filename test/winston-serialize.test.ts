import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLineSlow, scanPinoLine } from '../packages/core/src/intake/pinoLine.js';
import { levelMapFor } from '../packages/core/src/record/levels.js';
import { pinoText } from '../packages/core/src/record/pinoText.js';
import { serializeFast, serializeInfo, type WinstonInfo } from '../packages/winston/src/wire.js';

const NPM = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };
const levels = levelMapFor(undefined, { winstonLevels: NPM });
const NOW = 1_795_000_000_000;

describe('winston lines in pino shape (the worker fast path)', () => {
  it('property: ship the same level, time and text as the general JSON line', () => {
    const key = fc
      .oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))
      .filter((k) => !['level', 'timestamp', 'message'].includes(k));
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(NPM)),
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        fc.option(fc.oneof(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), { nil: undefined }),
        // winston's own order (fields, then level and message) and any other.
        fc.boolean(),
        (level, message, fields, timestamp, winstonOrder) => {
          const info: WinstonInfo = winstonOrder
            ? { ...fields, level, message, ...(timestamp === undefined ? {} : { timestamp }) }
            : { level, message, ...fields, ...(timestamp === undefined ? {} : { timestamp }) };
          const fast = serializeFast(info, NOW, levels.from(level));
          const general = parseLineSlow(serializeInfo(info, NOW).trimEnd(), levels, 'text', 'message', NOW);
          if (fast === undefined) return;
          const parsed = scanPinoLine(fast.trimEnd(), levels, 'message');
          expect(parsed, fast).toBeDefined();
          expect({ level: parsed?.level, time: parsed?.time, text: parsed && (JSON.parse(JSON.stringify(pinoText(parsed))) as unknown) }).toEqual({
            level: general?.level,
            time: general?.time,
            text: general?.text,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('declines what the fast shape cannot carry: a non-string message, a fractional time', () => {
    expect(serializeFast({ level: 'info', message: { a: 1 } }, NOW, 'info')).toBeUndefined();
    expect(serializeFast({ level: 'info', message: 'x', timestamp: 1.5 }, NOW, 'info')).toBeUndefined();
    expect(serializeFast({ level: 'info', message: 'x' }, NOW, 'warn')).toBe(`{"level":40,"time":${NOW},"message":"x"}\n`);
  });

  it("writes winston's own key order (fields, then level and message) and any other the same", () => {
    const line = `{"level":30,"time":${NOW},"a":1,"b":"\\"level\\":\\"info\\"","message":"m"}\n`;
    expect(serializeFast({ a: 1, b: '"level":"info"', level: 'info', message: 'm' }, NOW, 'info')).toBe(line);
    expect(serializeFast({ level: 'info', message: 'm', a: 1, b: '"level":"info"' }, NOW, 'info')).toBe(line);
    // A field after level and message that ends like them is still a field.
    const tricky = { level: 'info', message: 'm', c: { level: 'info', message: 'm' } };
    expect(serializeFast(tricky, NOW, 'info')).toBe(`{"level":30,"time":${NOW},"c":{"level":"info","message":"m"},"message":"m"}\n`);
  });
});
