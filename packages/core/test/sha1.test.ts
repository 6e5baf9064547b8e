import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKET_NAMESPACE, uuidV5 } from '../src/protocols/initialstate/bucketId.js';
import { sha1 } from '../src/protocols/initialstate/sha1.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const nodeSha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sha1', () => {
  it('the FIPS 180 test vectors', () => {
    expect(hex(sha1(utf8('')))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(sha1(utf8('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(hex(sha1(utf8('a'.repeat(1_000_000))))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it("every length around the padding's block edges, as node:crypto hashes it", () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(hex(sha1(bytes)), `length ${length}`).toBe(nodeSha1(bytes));
    }
  });

  it('property: any unicode string, as UTF-8, hashes as node:crypto hashes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(hex(sha1(utf8(text)))).toBe(createHash('sha1').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('property: any bytes hash as node:crypto hashes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(hex(sha1(bytes))).toBe(nodeSha1(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe('uuidV5 over the pure sha1', () => {
  /** What uuidV5 computed with node:crypto before the protocols layer gave up Node built-ins. */
  function nodeUuidV5(name: string, namespace: string): string {
    const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
    hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
    hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
    const h = hash.subarray(0, 16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  it('property: the same id node:crypto gave, for any name and namespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.uuid(), (name, namespace) => {
        expect(uuidV5(name)).toBe(nodeUuidV5(name, BUCKET_NAMESPACE));
        expect(uuidV5(name, namespace)).toBe(nodeUuidV5(name, namespace));
      }),
      { numRuns: 300 },
    );
  });
});
