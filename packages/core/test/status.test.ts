import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LogferryError } from '../src/errors/logferryError.js';
import { baseUrl } from '../src/protocols/baseUrl.js';
import { mayHaveBeenSent, retryAnswer, statusMeaning } from '../src/protocols/status.js';
import { NetworkError } from '../src/transport/http.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const status = fc.integer({ min: 100, max: 599 });

describe('statusMeaning', () => {
  it('the fixed cases', () => {
    expect([408, 429, 500, 502, 503, 504].map(statusMeaning)).toEqual(Array(6).fill('retry'));
    expect([401, 403].map(statusMeaning)).toEqual(['auth', 'auth']);
    expect(statusMeaning(413)).toBe('split');
    expect(statusMeaning(402)).toBe('quota');
    expect([400, 404, 405, 409, 410, 422, 301, 304].map(statusMeaning)).toEqual(Array(8).fill('refused'));
  });

  it('property: every 5xx is retried', () => {
    fc.assert(fc.property(fc.integer({ min: 500, max: 599 }), (s) => {
      expect(statusMeaning(s)).toBe('retry');
    }));
  });

  it('property: a 4xx is retried only as 408 or 429, and refused unless it is 401, 402, 403 or 413', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 499 }), (s) => {
        const meaning = statusMeaning(s);
        expect(meaning === 'retry').toBe(s === 408 || s === 429);
        expect(meaning === 'refused').toBe(![401, 402, 403, 408, 413, 429].includes(s));
      }),
    );
  });

  it('property: below 400 nothing is retried, split or an auth failure', () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 399 }), (s) => {
      expect(statusMeaning(s)).toBe('refused');
    }));
  });

  it('property: every status has one of the five meanings, the same every time', () => {
    fc.assert(
      fc.property(status, (s) => {
        expect(['retry', 'auth', 'split', 'quota', 'refused']).toContain(statusMeaning(s));
        expect(statusMeaning(s)).toBe(statusMeaning(s));
      }),
    );
  });
});

describe('mayHaveBeenSent', () => {
  it("trusts the transport's word, and assumes any other failure went", () => {
    expect(mayHaveBeenSent(new NetworkError('connect ECONNREFUSED', false, false))).toBe(false);
    expect(mayHaveBeenSent(new NetworkError('socket hang up', true, false))).toBe(true);
    expect(mayHaveBeenSent(new NetworkError('timed out', true, true))).toBe(true);
    expect(mayHaveBeenSent(new Error('anything else'))).toBe(true);
    expect(mayHaveBeenSent('not even an error')).toBe(true);
  });
});

describe('retryAnswer', () => {
  const error = new LogferryError('LOGFERRY_HTTP', 'answered HTTP 503');

  it('waits as long as Retry-After asks, in ms', () => {
    expect(retryAnswer({ headers: { 'retry-after': '2' } }, error)).toEqual({ kind: 'retry', retryAfterMs: 2000, error });
  });

  it('leaves the wait to the retry schedule without one', () => {
    expect(retryAnswer({ headers: {} }, error)).toEqual({ kind: 'retry', retryAfterMs: undefined, error });
  });
});

describe('baseUrl', () => {
  it('ends with exactly one slash, so endpoints append to its path', () => {
    expect(baseUrl('https://datamix.example').href).toBe('https://datamix.example/');
    expect(baseUrl('https://h.example/api').href).toBe('https://h.example/api/');
    expect(baseUrl('https://h.example/api/').href).toBe('https://h.example/api/');
    expect(new URL('sessions', baseUrl('https://h.example/api')).href).toBe('https://h.example/api/sessions');
    expect(new URL('api/v1/buckets', baseUrl('http://127.0.0.1:8080')).href).toBe('http://127.0.0.1:8080/api/v1/buckets');
  });

  it('property: with or without the trailing slash, the same base', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: false, withFragments: false }), (url) => {
        const trimmed = url.replace(/\/+$/, '');
        fc.pre(trimmed !== '' && URL.canParse(trimmed));
        expect(baseUrl(trimmed).href).toBe(baseUrl(`${trimmed}/`).href);
        expect(baseUrl(trimmed).pathname.endsWith('/')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
