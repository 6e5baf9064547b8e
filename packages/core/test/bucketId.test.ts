import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKET_NAMESPACE, uuidV5 } from '../src/protocols/initialstate/bucketId.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
  it('matches the known RFC 4122 vector', () => {
    expect(uuidV5('www.example.com', DNS_NAMESPACE)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('accepts the namespace in upper case', () => {
    expect(uuidV5('www.example.com', DNS_NAMESPACE.toUpperCase())).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('uses the fixed logferry namespace by default', () => {
    expect(uuidV5('checkout')).toBe(uuidV5('checkout', BUCKET_NAMESPACE));
    expect(uuidV5('checkout')).not.toBe(uuidV5('checkout', DNS_NAMESPACE));
  });

  it('property: deterministic and a valid version-5 UUID', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((cps) => String.fromCodePoint(...cps)), (name) => {
        const id = uuidV5(name);
        expect(id).toMatch(V5);
        expect(uuidV5(name)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });

  it('property: different names give different ids', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }), (a, b) => {
        fc.pre(a !== b);
        expect(uuidV5(a)).not.toBe(uuidV5(b));
      }),
      { numRuns: 300 },
    );
  });

  it('names are hashed as UTF-8', () => {
    expect(uuidV5('café')).not.toBe(uuidV5('cafe'));
    expect(uuidV5('café')).toMatch(V5);
  });
});
