import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatRecordText, MAX_DEPTH, messageOf, safeStringify } from '../src/record/messageText.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

describe('formatRecordText', () => {
  it('text: msg, a space, then the other fields as compact JSON, without level/time (and timestamp when it is the time)', () => {
    const record = { level: 30, time: 1, msg: 'hello', a: 1, b: { c: [true, null] } };
    expect(formatRecordText(record, 'text')).toBe('hello {"a":1,"b":{"c":[true,null]}}');
    expect(formatRecordText({ level: 'info', timestamp: '2026-01-01T00:00:00Z', message: 'w' }, 'text')).toBe('w');
    // When `time` carries the time, a `timestamp` field is the user's data and is kept.
    expect(formatRecordText({ level: 30, time: 1, timestamp: 2, msg: 'hello' }, 'text')).toBe('hello {"timestamp":2}');
  });

  it('text: only a message, only fields, nothing', () => {
    expect(formatRecordText({ level: 'info', msg: 'only' }, 'text')).toBe('only');
    expect(formatRecordText({ level: 'info', a: 'x' }, 'text')).toBe('{"a":"x"}');
    expect(formatRecordText({ level: 'info', time: 5 }, 'text')).toBe('');
    expect(formatRecordText({}, 'text')).toBe('');
  });

  it("text: 'message' is the message when there is no msg (winston, createClient)", () => {
    expect(formatRecordText({ level: 'info', message: 'w', a: 1 }, 'text')).toBe('w {"a":1}');
    expect(formatRecordText({ msg: 'm', message: 'w' }, 'text')).toBe('m {"message":"w"}');
  });

  it('text: a custom messageKey', () => {
    expect(formatRecordText({ text: 'hi', msg: 'field', a: 1 }, 'text', 'text')).toBe('hi {"msg":"field","a":1}');
    expect(formatRecordText({ text: 'hi', message: 'field' }, 'text', 'text')).toBe('hi {"message":"field"}');
  });

  it('text: undefined fields are left out; a non-string message is stringified', () => {
    expect(formatRecordText({ msg: 'x', gone: undefined }, 'text')).toBe('x');
    expect(formatRecordText({ msg: { a: 1 } }, 'text')).toBe('{"a":1}');
    expect(formatRecordText({ msg: 42, a: 1 }, 'text')).toBe('42 {"a":1}');
    expect(formatRecordText({ msg: null, a: 1 }, 'text')).toBe('{"a":1}');
  });

  it('json: the whole record, level and time included', () => {
    const record = { level: 30, time: 1, msg: 'hello', a: 1 };
    expect(formatRecordText(record, 'json')).toBe(JSON.stringify(record));
  });

  it('property: text of a plain JSON record = msg + space + JSON of the rest', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 6 }).filter((k) => !['msg', 'message', 'level', 'time', 'timestamp', '__proto__'].includes(k)),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 5 },
        ),
        fc.string({ minLength: 1, maxLength: 10 }),
        (rest, msg) => {
          const record: Record<string, unknown> = { level: 30, time: 1, ...rest, msg };
          const text = formatRecordText(record, 'text');
          const expectedRest = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
          expect(text).toBe(`${msg}${expectedRest}`);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('safeStringify', () => {
  it('cuts what is nested deeper than MAX_DEPTH and marks it, instead of overflowing the stack (10,000 levels threw RangeError)', () => {
    let deep: unknown = 'leaf';
    for (let d = 0; d < 10_000; d++) deep = { d: deep };
    const out = safeStringify({ a: deep });
    expect(out.startsWith('{"a":{"d":{"d":')).toBe(true);
    expect(out).toContain(`"[cut: nested deeper than ${MAX_DEPTH} levels]"`);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
    let shallow: unknown = 'leaf';
    for (let d = 0; d < MAX_DEPTH - 2; d++) shallow = [shallow];
    expect(safeStringify({ a: shallow })).toBe(JSON.stringify({ a: shallow }));
  });

  it('plain values as JSON.stringify', () => {
    expect(safeStringify({ a: [1, 'x', null] })).toBe('{"a":[1,"x",null]}');
    expect(safeStringify('s')).toBe('"s"');
    expect(safeStringify(undefined)).toBe('');
    expect(safeStringify(() => 1)).toBe('');
  });

  it('circular references become "[Circular]"', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(safeStringify(a)).toBe('{"x":1,"self":"[Circular]"}');
    const list: unknown[] = [1];
    list.push(list);
    expect(safeStringify(list)).toBe('[1,"[Circular]"]');
  });

  it('the same object referenced twice (not a cycle) is written twice', () => {
    // Regression: the replacer keeps one WeakSet for the whole walk, so any repeated
    // reference — e.g. { req, res: { req } } — is replaced by "[Circular]" although there is no cycle.
    const shared = { id: 7 };
    expect(safeStringify({ a: shared, b: shared })).toBe('{"a":{"id":7},"b":{"id":7}}');
  });

  it('BigInt becomes its decimal string', () => {
    expect(safeStringify({ n: 12345678901234567890n })).toBe('{"n":"12345678901234567890"}');
    expect(safeStringify(-1n)).toBe('"-1"');
  });

  it('a boxed BigInt does not throw', () => {
    // Regression: the replacer sees Object(1n) as an object and returns it; JSON.stringify then
    // unboxes it and throws "Do not know how to serialize a BigInt".
    expect(() => safeStringify({ n: Object(1n) })).not.toThrow();
  });

  it('Errors keep type, message, stack, own fields and cause', () => {
    const cause = new Error('root');
    const error = Object.assign(new TypeError('boom', { cause }), { code: 'E_BOOM' });
    const parsed = JSON.parse(safeStringify({ err: error })) as { err: Record<string, unknown> };
    expect(parsed.err.type).toBe('TypeError');
    expect(parsed.err.message).toBe('boom');
    expect(parsed.err.stack).toBe(error.stack);
    expect(parsed.err.code).toBe('E_BOOM');
    expect((parsed.err.cause as Record<string, unknown>).message).toBe('root');
    expect(JSON.parse(safeStringify(new Error('top'))) as Record<string, unknown>).toMatchObject({ message: 'top' });
  });

  it('an Error that is its own cause does not loop', () => {
    const error = new Error('self');
    (error as Error & { cause: unknown }).cause = error;
    expect(JSON.parse(safeStringify(error)) as Record<string, unknown>).toMatchObject({ message: 'self', cause: '[Circular]' });
  });

  it('property: never throws and returns a string (fc.anything)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true,
          withSparseArray: true, withNullPrototype: true, withObjectString: true, maxDepth: 3,
        }),
        (value) => {
          const out = safeStringify(value);
          expect(typeof out).toBe('string');
          if (out !== '') expect(() => JSON.parse(out) as unknown).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: never throws on cyclic structures', () => {
    fc.assert(
      fc.property(fc.letrec((tie) => ({ node: fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.integer(), tie('node')), { maxKeys: 3 }) })).node, fc.string({ maxLength: 3 }), (node, key) => {
        const root = node as Record<string, unknown>;
        root[`${key}loop`] = root;
        expect(safeStringify(root)).toContain('[Circular]');
      }),
      { numRuns: 100 },
    );
  });
});

describe('messageOf', () => {
  it('strings as they are, nothing as empty, anything else as JSON', () => {
    expect(messageOf('x')).toBe('x');
    expect(messageOf(undefined)).toBe('');
    expect(messageOf(null)).toBe('');
    expect(messageOf(3)).toBe('3');
    expect(messageOf({ a: 1n })).toBe('{"a":"1"}');
  });
});

describe('safeStringify agrees with JSON.stringify where JSON.stringify works', () => {
  it('property: flat and nested JSON-safe objects give the same text', () => {
    const flat = fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)));
    fc.assert(
      fc.property(fc.oneof(flat, fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }))), (value) => {
        expect(safeStringify(value)).toBe(JSON.stringify(value));
      }),
    );
  });
});
