import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyWriter } from '../src/record/bodyWriter.js';

describe('BodyWriter', () => {
  it('property: the bytes are the UTF-8 of the appended strings, across growth and reuse', () => {
    const writer = new BodyWriter(16);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 200 }), { maxLength: 30 }), (parts) => {
        writer.reset();
        for (const part of parts) writer.append(part);
        const expected = Buffer.from(parts.join(''), 'utf8');
        expect(Buffer.from(writer.bytes()).equals(expected)).toBe(true);
        expect(writer.length).toBe(expected.length);
      }),
    );
  });

  it('property: an array written item by item (serialised 3 at a time here, then closed) is the JSON of the whole array', () => {
    const writer = new BodyWriter(16, 3);
    fc.assert(
      fc.property(fc.array(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const written = parts;
        writer.reset().append('{"messages":');
        for (const item of written.flat()) writer.item(item);
        writer.closeArray().append('}');
        expect(Buffer.from(writer.bytes()).toString()).toBe(JSON.stringify({ messages: written.flat() }));
      }),
    );
  });

  it('property: a head written after the body (into the reserved bytes) comes first; the last head written counts; one too long is refused', () => {
    const writer = new BodyWriter(16);
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(fc.nat(64), fc.array(text, { maxLength: 8 }), fc.array(text, { minLength: 1, maxLength: 3 }), (reserve, parts, heads) => {
        writer.reset(reserve);
        for (const part of parts) writer.append(part);
        const body = Buffer.from(parts.join(''), 'utf8');
        let current = Buffer.alloc(0);
        for (const head of heads) {
          const bytes = Buffer.from(head, 'utf8');
          const fits = bytes.length <= reserve;
          expect(writer.head(head)).toBe(fits);
          if (fits) current = bytes;
          expect(Buffer.from(writer.bytes()).equals(Buffer.concat([current, body]))).toBe(true);
          expect(writer.length).toBe(current.length + body.length);
        }
      }),
    );
  });

  it('reset starts a new body in the same buffer', () => {
    const writer = new BodyWriter(8);
    writer.append('{"a":"é€😀"}');
    writer.reset().append('[]');
    expect(Buffer.from(writer.bytes()).toString()).toBe('[]');
  });
});

describe('BodyWriter items written in pieces', () => {
  /** A string item the way a sink writes one by hand, or by item() when it is not plain ASCII text. */
  const writeString = (writer: BodyWriter, s: string): boolean => {
    writer.beginItem().ascii(Buffer.from('"'));
    if (writer.stage(s) && writer.chars(0, s.length)) {
      writer.ascii(Buffer.from('"'));
      return true;
    }
    writer.dropItem().item(s);
    return false;
  };

  it('property: items written in pieces (strings, numbers), among item()s, give the JSON of the whole array', () => {
    const writer = new BodyWriter(16, 3);
    const entry = fc.oneof(
      fc.record({ piece: fc.string({ unit: 'binary', maxLength: 30 }) }),
      fc.record({ piece: fc.constantFrom('plain', 'a"b', 'back\\slash', '\\"', 'tab\there', 'é', '') }),
      // Longer than the staging array starts (1 KiB) and the body's own buffer: both grow, long pieces go by native copy.
      fc.record({ piece: fc.constantFrom(`${'x'.repeat(1500)}"${'y'.repeat(40)}`, 'é'.repeat(700), `${'\\"'.repeat(900)}`) }),
      fc.record({
        number: fc.oneof(
          fc.nat(),
          fc.maxSafeNat(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.constantFrom(0, 7, 9, 10, 999_999_999, 1e9, 1e9 + 5, 1_000_000_000_000, 1_700_000_000_007, Number.MAX_SAFE_INTEGER),
        ),
      }),
      fc.record({ item: fc.jsonValue({ maxDepth: 1 }) }),
      // An item begun and taken back: nothing of it stays.
      fc.record({ dropped: fc.constantFrom(7, 1_700_000_000_007) }),
    );
    let byHand = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.nat(32), (entries, reserve) => {
        writer.reset(reserve);
        const expected: unknown[] = [];
        for (const e of entries) {
          if ('piece' in e) {
            if (writeString(writer, e.piece)) byHand++;
            expected.push(e.piece);
          } else if ('number' in e) {
            writer.beginItem().integer(e.number);
            expected.push(e.number);
          } else if ('dropped' in e) {
            writer.beginItem().integer(e.dropped).dropItem();
          } else {
            writer.item(e.item);
            expected.push(e.item);
          }
        }
        writer.closeArray();
        expect(Buffer.from(writer.bytes()).toString()).toBe(JSON.stringify(expected));
      }),
    );
    expect(byHand).toBeGreaterThan(50);
  });

  it('copy() takes staged text as it is (JSON-escaped already); chars() refuses a control character, and dropItem() takes the item back', () => {
    const writer = new BodyWriter(8);
    writer.reset();
    writer.beginItem().ascii(Buffer.from('"'));
    expect(writer.stage('x\\"y\\n')).toBe(true);
    writer.copy(0, 6).ascii(Buffer.from('"'));
    writer.beginItem();
    expect(writer.stage('a\nb')).toBe(true);
    expect(writer.chars(0, 3)).toBe(false);
    writer.dropItem();
    expect(writer.stage('ü')).toBe(false);
    writer.closeArray();
    expect(JSON.parse(Buffer.from(writer.bytes()).toString())).toEqual(['x"y\n']);
  });
});
