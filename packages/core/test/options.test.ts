import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { LogferryError } from '../src/errors/logferryError.js';
import { parseOptions, secretsOfOptions } from '../src/options/options.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const SECRET = 'super-secret-key-123';

/** The LogferryError parseOptions throws for this input (fails the test when it does not throw one). */
function failure(input: unknown, env: Record<string, string | undefined> = {}): LogferryError {
  try {
    parseOptions(input, env);
  } catch (error) {
    expect(error).toBeInstanceOf(LogferryError);
    return error as LogferryError;
  }
  throw new Error(`expected parseOptions to throw for ${JSON.stringify(input)}`);
}

describe('parseOptions: defaults', () => {
  it('a minimal datamix config gets every default', () => {
    const options = parseOptions({ sink: { type: 'datamix', apiKey: 'k' } }, {});
    expect(options).toEqual({
      sink: { type: 'datamix', apiKey: 'k', url: 'https://datamix.mixbook.com', sessions: 1 },
      format: 'text',
      batch: { maxEvents: 2000, maxBytes: 1024 * 1024, intervalMs: 1000 },
      buffer: { maxBytes: 32 * 1024 * 1024, whenFull: 'drop-oldest', backpressure: true },
      retry: { baseMs: 500, maxMs: 30_000, maxElapsedMs: 300_000, requestTimeoutMs: 15_000 },
      stale: 'drop',
      handleSignals: false,
      allowInsecure: false,
      exitTimeoutMs: 8000,
      worker: true,
    });
    expect(secretsOfOptions(options)).toEqual(['k']);
  });

  it('a minimal initialstate config gets every default', () => {
    const options = parseOptions({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'checkout' } }, {});
    expect(options.sink).toEqual({
      type: 'initialstate', api: 'logging', clientKey: 'ck', bucketName: 'checkout',
      apiUrl: 'https://api.initialstate.com', eventsUrl: 'https://groker.initialstate.com',
      signal: 'log', fields: [], requestsPerSecond: 3, maxValueLength: 2000,
    });
    expect(options.stale).toBe('drop');
    expect(secretsOfOptions(options)).toEqual(['ck']);
  });

  it('a partial batch object gets the rest of its defaults', () => {
    const options = parseOptions({ sink: { type: 'datamix', apiKey: 'k' }, batch: { maxEvents: 10 } }, {});
    expect(options.batch).toEqual({ maxEvents: 10, maxBytes: 1024 * 1024, intervalMs: 1000 });
  });
});

describe('parseOptions: keys from the environment', () => {
  it('DATAMIX_API_KEY fills a missing apiKey; an explicit key wins', () => {
    expect(parseOptions({ sink: { type: 'datamix' } }, { DATAMIX_API_KEY: 'from-env' }).sink).toMatchObject({ apiKey: 'from-env' });
    expect(parseOptions({ sink: { type: 'datamix', apiKey: 'given' } }, { DATAMIX_API_KEY: 'from-env' }).sink).toMatchObject({ apiKey: 'given' });
  });

  it('IS_CLIENT_KEY fills a missing clientKey', () => {
    expect(parseOptions({ sink: { type: 'initialstate', bucketName: 'b' } }, { IS_CLIENT_KEY: 'env-ck' }).sink).toMatchObject({ clientKey: 'env-ck' });
  });

  it('a missing key names the field', () => {
    const dm = failure({ sink: { type: 'datamix' } });
    expect(dm.code).toBe('LOGFERRY_BAD_OPTION');
    expect(dm.message).toContain('sink.apiKey');
    expect(failure({ sink: { type: 'datamix' } }, { DATAMIX_API_KEY: '' }).message).toContain('sink.apiKey');
    const is = failure({ sink: { type: 'initialstate', bucketName: 'b' } }, { DATAMIX_API_KEY: 'wrong-var' });
    expect(is.code).toBe('LOGFERRY_BAD_OPTION');
    expect(is.message).toContain('sink.clientKey');
  });
});

describe('parseOptions: an own __proto__ key', () => {
  it('is an unknown option like any other, not the prototype of what zod reads (an Int16Array there threw a TypeError)', () => {
    const input = JSON.parse('{"sink":{"type":"datamix","apiKey":"secret-key-1234"},"__proto__":{"x":1}}') as unknown;
    const error = failure(input);
    expect(error.message).toContain('Unrecognized key');
    const typed = { sink: { type: 'datamix', apiKey: 'secret-key-1234' } };
    Object.defineProperty(typed, '__proto__', { value: new Int16Array(0), enumerable: true });
    expect(failure(typed).code).toBe('LOGFERRY_BAD_OPTION');
  });
});

describe('parseOptions: errors name the field', () => {
  it('wrong type for batch.maxEvents', () => {
    const e = failure({ sink: { type: 'datamix', apiKey: 'k' }, batch: { maxEvents: 'many' } });
    expect(e.code).toBe('LOGFERRY_BAD_OPTION');
    expect(e.message).toContain('batch.maxEvents');
  });

  it('an unknown key, top level or nested, is rejected by name', () => {
    const top = failure({ sink: { type: 'datamix', apiKey: 'k' }, bogusOption: 1 });
    expect(top.code).toBe('LOGFERRY_BAD_OPTION');
    expect(top.message).toContain('bogusOption');
    const nested = failure({ sink: { type: 'datamix', apiKey: 'k', sesions: 2 } });
    expect(nested.message).toContain('sesions');
    const deeper = failure({ sink: { type: 'datamix', apiKey: 'k' }, retry: { tries: 2 } });
    expect(deeper.message).toContain('tries');
  });

  it('a bucketName of 201 characters is rejected; 200 is fine', () => {
    const e = failure({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'x'.repeat(201) } });
    expect(e.code).toBe('LOGFERRY_BAD_OPTION');
    expect(e.message).toContain('sink.bucketName');
    expect(parseOptions({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'x'.repeat(200) } }, {}).sink).toMatchObject({
      bucketName: 'x'.repeat(200),
    });
  });

  it('an unknown sink type and a non-object are rejected', () => {
    expect(failure({ sink: { type: 'splunk' } }).message).toContain('sink.type');
    expect(failure(undefined).code).toBe('LOGFERRY_BAD_OPTION');
    expect(failure('datamix').code).toBe('LOGFERRY_BAD_OPTION');
    expect(failure({}).message).toContain('sink');
  });

  it('keys starting with "$" (pino adds $context) are ignored', () => {
    const options = parseOptions({ sink: { type: 'datamix', apiKey: 'k' }, $context: { x: 1 }, $anything: true }, {});
    expect(options).not.toHaveProperty('$context');
    expect(options.sink.type).toBe('datamix');
  });
});

describe('parseOptions: the host app\'s zod', () => {
  it('is left as the app configured it, and logferry\'s messages stay its own', () => {
    const before = z.config().localeError;
    // What an app with its own zod error map (or another locale) has set.
    z.config({ localeError: () => 'the app\'s message' });
    try {
      expect(z.string().safeParse(1).error?.issues[0]?.message).toBe('the app\'s message');
      expect(failure({ sink: { type: 'datamix', apiKey: 'k', sessions: 0 } }).message).toContain('sink.sessions: Too small: expected number to be >=1');
      expect(z.string().safeParse(1).error?.issues[0]?.message).toBe('the app\'s message');
    } finally {
      z.config({ localeError: before });
    }
  });
});

describe('parseOptions: plain http only to loopback', () => {
  it('refuses http:// to a non-loopback host', () => {
    const e = failure({ sink: { type: 'datamix', apiKey: 'k', url: 'http://logs.example.com' } });
    expect(e.code).toBe('LOGFERRY_INSECURE_URL');
    expect(e.message).toContain('sink.url');
    const is = failure({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'b', eventsUrl: 'http://10.0.0.5:8080' } });
    expect(is.code).toBe('LOGFERRY_INSECURE_URL');
    expect(is.message).toContain('sink.eventsUrl');
    // a name that merely starts like a loopback host is not loopback
    expect(failure({ sink: { type: 'datamix', apiKey: 'k', url: 'http://localhost.evil.com' } }).code).toBe('LOGFERRY_INSECURE_URL');
    expect(failure({ sink: { type: 'datamix', apiKey: 'k', url: 'http://127.0.0.1.nip.io' } }).code).toBe('LOGFERRY_INSECURE_URL');
  });

  it('accepts http:// to 127.0.0.1, localhost and [::1]', () => {
    for (const url of ['http://127.0.0.1:4318', 'http://localhost:8080/', 'http://LOCALHOST', 'http://[::1]:9000']) {
      expect(parseOptions({ sink: { type: 'datamix', apiKey: 'k', url } }, {}).sink).toMatchObject({ url });
    }
    expect(
      parseOptions({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'b', apiUrl: 'http://127.0.0.1:1', eventsUrl: 'http://localhost:2' } }, {}).sink,
    ).toMatchObject({ apiUrl: 'http://127.0.0.1:1', eventsUrl: 'http://localhost:2' });
  });

  it('allowInsecure lets http:// through to any host', () => {
    expect(parseOptions({ sink: { type: 'datamix', apiKey: 'k', url: 'http://logs.example.com' }, allowInsecure: true }, {}).sink).toMatchObject({
      url: 'http://logs.example.com',
    });
  });

  it('other protocols and non-URLs are bad options', () => {
    expect(failure({ sink: { type: 'datamix', apiKey: 'k', url: 'ftp://localhost' } }).code).toBe('LOGFERRY_BAD_OPTION');
    expect(failure({ sink: { type: 'datamix', apiKey: 'k', url: 'not a url' } }).message).toContain('sink.url');
  });
});

describe('parseOptions: errors never contain a key', () => {
  const invalidAround = (key: string): unknown[] => [
    { sink: { type: 'datamix', apiKey: key, sessions: 'abc' } },
    { sink: { type: 'datamix', apiKey: key, sessions: 0 } },
    { sink: { type: 'datamix', apiKey: key, url: 'http://example.com' } },
    { sink: { type: 'datamix', apiKey: key, url: 'nope' } },
    { sink: { type: 'datamix', apiKey: key }, batch: { maxEvents: 'x' } },
    { sink: { type: 'datamix', apiKey: key, [key]: true } },
    { sink: { type: 'datamix', apiKey: key }, levels: { [key]: 'loud' } },
    { sink: { type: 'datamix', apiKey: key }, [key]: 1 },
    { sink: { type: 'nope', apiKey: key } },
    { sink: { type: 'datamix', apikey: key } },
    { sink: { type: 'initialstate', clientKey: key, bucketName: 'x'.repeat(201) } },
    { sink: { type: 'initialstate', clientKey: key, bucketName: 'b', bucketId: key } },
    { sink: { type: 'initialstate', clientKey: key, bucketName: 'b', apiUrl: 'http://example.com' } },
    { sink: { type: 'initialstate', clientKey: key } },
  ];

  it('for the documented example and many invalid shapes', () => {
    for (const input of invalidAround(SECRET)) {
      const e = failure(input);
      expect(e.message).not.toContain(SECRET);
      expect(String(e.stack)).not.toContain(SECRET);
      expect(JSON.stringify(e)).not.toContain(SECRET);
    }
  });

  it('when the key itself is the invalid thing', () => {
    for (const input of [
      { sink: { type: 'datamix', apiKey: 12345678901234 } },
      { sink: { type: 'datamix', apiKey: [SECRET] } },
      { sink: { type: 'datamix', apiKey: { value: SECRET } } },
      { sink: { type: 'initialstate', clientKey: 98765432109876, bucketName: 'b' } },
    ]) {
      const e = failure(input);
      expect(e.code).toBe('LOGFERRY_BAD_OPTION');
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain('12345678901234');
      expect(e.message).not.toContain('98765432109876');
      expect(e.message).toMatch(/sink\.(apiKey|clientKey)/);
    }
  });

  it('property: for random keys (≥ 4 characters)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 40 }).filter((k) => /^[A-Za-z0-9_-]+$/.test(k) && !(k in Object.prototype)),
        fc.nat({ max: 13 }),
        (key, which) => {
          const input = invalidAround(key)[which];
          const e = failure(input);
          expect(e.message).not.toContain(key);
        },
      ),
      { numRuns: 200 },
    );
  });
});
