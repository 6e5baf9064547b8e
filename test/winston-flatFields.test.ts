import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { flatFieldsJson } from '../packages/winston/src/flatFields.js';
import { LineBatcher } from '../packages/winston/src/lineBatcher.js';
import { lineHead, lineTail } from '../packages/winston/src/lineEnds.js';

const SKIP = new Set(['level', 'timestamp', 'message']);

/** The plain version: copy the fields to an object (own key even for __proto__) and JSON.stringify it; each member after a comma. */
function plain(info: Record<string, unknown>): string {
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(info)) {
    if (SKIP.has(key)) continue;
    Object.defineProperty(rest, key, { value: info[key], enumerable: true, writable: true, configurable: true });
  }
  const members = JSON.stringify(rest).slice(1, -1);
  return members === '' ? '' : `,${members}`;
}

describe('winston fast line: flat fields written straight from info', () => {
  it('property: the same text as JSON.stringify of the fields copied out, for any flat values and keys', () => {
    const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'level', 'message', 'timestamp', '0', '12'));
    const flat = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.constant(Symbol('s')),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, flat), { maxLength: 8 }), (pairs) => {
        const info: Record<string, unknown> = {};
        for (const [k, v] of pairs) Object.defineProperty(info, k, { value: v, enumerable: true, writable: true, configurable: true });
        expect(flatFieldsJson(info, SKIP)).toBe(plain(info));
      }),
    );
  });

  it('answers undefined for a value that is not flat (the general path takes it)', () => {
    expect(flatFieldsJson({ a: 1, b: { c: 2 } }, SKIP)).toBeUndefined();
    expect(flatFieldsJson({ a: [1] }, SKIP)).toBeUndefined();
    expect(flatFieldsJson({ a: 10n }, SKIP)).toBeUndefined();
    expect(flatFieldsJson({ a: new Date(0) }, SKIP)).toBeUndefined();
    expect(flatFieldsJson({ level: 'info', message: 'm' }, SKIP)).toBe('');
    expect(flatFieldsJson({ a: 1, level: 'info', b: 'x' }, SKIP)).toBe(',"a":1,"b":"x"');
  });
});

describe("winston fast line's ends, each kept for the next record", () => {
  it('property: any sequence of records gets the plain template, whatever came before', () => {
    const level = fc.constantFrom(20, 30, 40, 50, 60);
    const time = fc.oneof(fc.constantFrom(0, 1_700_000_000_000, 1_700_000_000_001), fc.nat());
    const message = fc.oneof(fc.constantFrom('', 'm', 'request handled'), fc.string({ unit: 'binary', maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(level, time, message), { maxLength: 12 }), (records) => {
        for (const [l, t, m] of records) {
          expect(lineHead(l, t)).toBe(`{"level":${l},"time":${t}`);
          expect(lineTail(m)).toBe(`,"message":${JSON.stringify(m)}}\n`);
        }
      }),
    );
  });
});

describe('LineBatcher: one thread-stream write a turn', () => {
  it('joins the lines of one turn into one write, in order, and drain() writes at once', async () => {
    const writes: string[] = [];
    const b = new LineBatcher((text) => writes.push(text));
    b.add('a\n');
    b.add('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    b.add('c\n');
    b.drain();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });

  it('a long synchronous burst goes in pieces, not one huge string', () => {
    const write = vi.fn<(text: string) => void>();
    const b = new LineBatcher(write);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 1024; i++) b.add(line);
    b.drain();
    const sizes = write.mock.calls.map(([text]) => text.length);
    expect(sizes.reduce((a, n) => a + n, 0)).toBe(1024 * 1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024);
  });
});
