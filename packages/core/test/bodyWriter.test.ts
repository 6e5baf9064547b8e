import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyWriter } from '../src/bodyWriter.js';

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
