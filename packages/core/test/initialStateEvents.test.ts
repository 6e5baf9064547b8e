import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogferryError } from '../src/errors/logferryError.js';
import { parseOptions, secretsOfOptions, type InitialStateEventsSinkOptions } from '../src/options/options.js';
import { uuidV5 } from '../src/protocols/initialstate/bucketId.js';
import { capValue, LEVEL_PREFIX } from '../src/protocols/initialstate/eventMapping.js';
import { InitialStateEventsSink, type EventsApiEvent } from '../src/protocols/initialstate/eventsSink.js';
import type { SendResult } from '../src/protocols/sink.js';
import type { LogRecord } from '../src/record/record.js';
import { RateBudget } from '../src/timing/rateBudget.js';
import type { Http, HttpResponse, PostOptions } from '../src/transport/http.js';

fc.configureGlobal({ seed: 0x1ee7 });

const KEY = 'secret-access-key-1234';
const base = { type: 'initialstate', api: 'events', accessKey: KEY } as const;

function events(sink: Record<string, unknown>, env: Record<string, string> = {}): InitialStateEventsSinkOptions {
  return parseOptions({ sink: { ...base, bucketName: 'Checkout', ...sink } }, env).sink as InitialStateEventsSinkOptions;
}

function optionError(input: unknown, env: Record<string, string> = {}): LogferryError {
  try {
    parseOptions(input, env);
  } catch (error) {
    if (error instanceof LogferryError) return error;
    throw error;
  }
  throw new Error('expected an option error');
}

describe("parseOptions: Initial State's Events API", () => {
  it('defaults: the groker base URL, 10 events a request, 3 requests a second, the log signal', () => {
    expect(events({})).toEqual({
      type: 'initialstate', api: 'events', accessKey: KEY, bucketName: 'Checkout', apiUrl: 'https://groker.init.st/api',
      maxEventsPerRequest: 10, fieldsOnly: false, signal: 'log', fields: [], requestsPerSecond: 3, maxValueLength: 2000,
    });
  });

  it('the logger is not held back by default (30 events a second is below what a busy service logs); asked for, it is', () => {
    expect(parseOptions({ sink: { ...base, bucketKey: 'k' } }, {}).buffer.backpressure).toBe(false);
    expect(parseOptions({ sink: { ...base, bucketKey: 'k' }, buffer: { backpressure: true } }, {}).buffer.backpressure).toBe(true);
    expect(parseOptions({ sink: { type: 'initialstate', clientKey: 'c', bucketName: 'b' } }, {}).buffer.backpressure).toBe(true);
  });

  it('the access key comes from IS_ACCESS_KEY when not given; without either, a clear error', () => {
    const { accessKey: _, ...keyless } = base;
    expect(parseOptions({ sink: { ...keyless, bucketKey: 'k' } }, { IS_ACCESS_KEY: 'from-env' }).sink).toMatchObject({ accessKey: 'from-env' });
    const error = optionError({ sink: { ...keyless, bucketKey: 'k' } }, { IS_CLIENT_KEY: 'not this one' });
    expect(error.code).toBe('LOGFERRY_BAD_OPTION');
    expect(error.message).toContain('sink.accessKey');
    expect(error.message).toContain('IS_ACCESS_KEY');
  });

  it('the access key is a secret', () => {
    expect(secretsOfOptions(parseOptions({ sink: { ...base, bucketKey: 'k' } }, {}))).toEqual([KEY]);
    const error = optionError({ sink: { ...base, bucketKey: 'k', bucketName: 'x'.repeat(300) } });
    expect(error.message).not.toContain(KEY);
  });

  it("one API's keys in the other's sink: a clear error naming the keys and the API", () => {
    const intoLogging = optionError({ sink: { type: 'initialstate', clientKey: 'ck', bucketName: 'b', accessKey: KEY, bucketKey: 'k' } });
    expect(intoLogging.code).toBe('LOGFERRY_BAD_OPTION');
    expect(intoLogging.message).toMatch(/^sink\.accessKey, sink\.bucketKey: options of Initial State's events API.*set sink\.api: 'events'/);
    expect(intoLogging.message).not.toContain(KEY);
    const intoEvents = optionError({ sink: { ...base, bucketName: 'b', clientKey: 'ck-secret', eventsUrl: 'https://x' } });
    expect(intoEvents.message).toMatch(/^sink\.clientKey, sink\.eventsUrl: options of Initial State's logging API/);
    expect(intoEvents.message).not.toContain('ck-secret');
  });

  it('a bucket needs a key or a name; the key defaults to a stable one derived from the name', () => {
    expect(optionError({ sink: { ...base } }).message).toContain('sink.bucketKey: required, or a sink.bucketName');
    const sink = new InitialStateEventsSink(events({ bucketName: 'Checkout service' }), 1000, scripted([]).http);
    expect(sink.bucketKey).toBe(uuidV5('Checkout service'));
    expect(new InitialStateEventsSink(events({ bucketName: 'Checkout service' }), 1000, scripted([]).http).bucketKey).toBe(sink.bucketKey);
    expect(new InitialStateEventsSink(events({ bucketKey: 'mine' }), 1000, scripted([]).http).bucketKey).toBe('mine');
  });

  it('property: a bucketKey is accepted exactly when it has 1..250 characters and none of : " \'', () => {
    const char = fc.constantFrom('a', 'Z', '0', '-', '_', ' ', '.', '/', 'é', '😀', ':', '"', "'");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: char, maxLength: 260 }), fc.string({ unit: char, minLength: 240, maxLength: 260 })), (bucketKey) => {
        const legal = bucketKey.length >= 1 && bucketKey.length <= 250 && !/[:"']/.test(bucketKey);
        let error: LogferryError | undefined;
        try {
          parseOptions({ sink: { ...base, bucketKey } }, {});
        } catch (e) {
          error = e as LogferryError;
        }
        expect(error === undefined).toBe(legal);
        if (error) {
          expect(error.code).toBe('LOGFERRY_BAD_OPTION');
          expect(error.message).toContain('sink.bucketKey');
        }
      }),
    );
  });

  it('every record must fit one request: more fields than maxEventsPerRequest allows, or fieldsOnly without fields, is an error', () => {
    expect(optionError({ sink: { ...base, bucketKey: 'k', fields: Array.from({ length: 10 }, (_, i) => `f${i}`) } }).message).toContain('more than sink.maxEventsPerRequest (10)');
    expect(events({ fields: Array.from({ length: 10 }, (_, i) => `f${i}`), fieldsOnly: true }).fields).toHaveLength(10);
    expect(optionError({ sink: { ...base, bucketKey: 'k', fieldsOnly: true } }).message).toContain('sink.fieldsOnly');
  });
});

interface Scripted {
  http: Http;
  calls: { url: string; body: unknown; headers: Record<string, string> }[];
}

/** An Http that answers each request with the next scripted answer (204 when the script is done). */
function scripted(answers: Partial<HttpResponse>[]): Scripted {
  const calls: Scripted['calls'] = [];
  const http: Http = {
    post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
      calls.push({ url: url.href, body: JSON.parse(String(body)) as unknown, headers: options.headers ?? {} });
      const answer = answers.shift() ?? {};
      return Promise.resolve({ status: 204, headers: {}, body: '', sentAt: 0, receivedAt: 0, ...answer });
    },
    close: () => Promise.resolve(),
  };
  return { http, calls };
}

const record = (n: number, fields?: LogRecord['fields'], text = `hello ${n}`): LogRecord => ({ level: 'info', time: 1_796_000_000_000 + n, text, seq: n, bytes: 10, ...(fields ? { fields } : {}) });
const never = new AbortController().signal;

describe('InitialStateEventsSink', () => {
  it('creates the bucket once, then posts the events with Accept-Version, the access key and the bucket key', async () => {
    const { http, calls } = scripted([{ status: 201 }]);
    const sink = new InitialStateEventsSink(events({ bucketKey: 'checkout', apiUrl: 'http://127.0.0.1:9/api', fields: ['n'] }), 1000, http);
    expect((await sink.send(0, [record(1, { n: 1 })], never)).kind).toBe('delivered');
    expect((await sink.send(0, [record(2)], never)).kind).toBe('delivered');
    expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:9/api/buckets', 'http://127.0.0.1:9/api/events', 'http://127.0.0.1:9/api/events']);
    expect(calls[0]?.body).toEqual({ bucketKey: 'checkout', bucketName: 'Checkout' });
    expect(calls[0]?.headers).toEqual({ 'accept-version': '~0', 'x-is-accesskey': KEY });
    expect(calls[1]?.headers).toEqual({ 'accept-version': '~0', 'x-is-accesskey': KEY, 'x-is-bucketkey': 'checkout' });
    expect(calls[1]?.body).toEqual([
      { key: 'log', value: 'INFO hello 1', epoch: 1_796_000_000.001 },
      { key: 'n', value: 1, epoch: 1_796_000_000.001 },
    ]);
  });

  it('402: stops with the quota reason and one clear message; 401/403: an auth error without the key', async () => {
    const quota = await new InitialStateEventsSink(events({}), 1000, scripted([{ status: 204 }, { status: 402 }]).http).send(0, [record(1)], never);
    expect(quota).toMatchObject({ kind: 'fatal', reason: 'quota' });
    const quotaError = (quota as Extract<SendResult, { kind: 'fatal' }>).error;
    expect(quotaError.code).toBe('LOGFERRY_QUOTA_EXCEEDED');
    expect(quotaError.message).toMatch(/402.*event limit for this billing cycle is used up.*spool/);
    for (const status of [401, 403]) {
      const auth = await new InitialStateEventsSink(events({}), 1000, scripted([{ status }]).http).send(0, [record(1)], never);
      expect(auth).toMatchObject({ kind: 'fatal' });
      const error = (auth as Extract<SendResult, { kind: 'fatal' }>).error;
      expect(error.code).toBe('LOGFERRY_AUTH_FAILED');
      expect(error.message).toContain('sink.accessKey');
      expect(error.message).not.toContain(KEY);
    }
  });

  it('429 and 5xx are retried (Retry-After honoured); 413 and a 400 of several records split; more events than a request takes split unsent', async () => {
    const { http, calls } = scripted([{ status: 201 }, { status: 429, headers: { 'retry-after': '2' } }, { status: 503 }, { status: 413 }, { status: 400 }, { status: 400 }]);
    const sink = new InitialStateEventsSink(events({ fields: ['a', 'b'] }), 1000, http);
    expect(await sink.send(0, [record(1)], never)).toMatchObject({ kind: 'retry', retryAfterMs: 2000 });
    expect(await sink.send(0, [record(1)], never)).toMatchObject({ kind: 'retry' });
    expect(await sink.send(0, [record(1)], never)).toEqual({ kind: 'split' });
    expect(await sink.send(0, [record(1), record(2)], never)).toEqual({ kind: 'split' });
    expect(await sink.send(0, [record(1)], never)).toMatchObject({ kind: 'delivered', rejected: [{ reason: 'HTTP 400 from Initial State' }] });
    const sent = calls.length;
    const full = Array.from({ length: 4 }, (_, i) => record(i, { a: i, b: 'x' }));
    expect(await sink.send(0, full, never)).toEqual({ kind: 'split' });
    expect(calls).toHaveLength(sent);
  });

  it('fieldsOnly: only the field events go; a batch without any is settled as filtered, unsent', async () => {
    const { http, calls } = scripted([{ status: 201 }]);
    const sink = new InitialStateEventsSink(events({ fields: ['ms'], fieldsOnly: true }), 1000, http);
    expect(await sink.send(0, [record(1), record(2)], never)).toMatchObject({ kind: 'delivered', filtered: 2 });
    expect(calls).toHaveLength(0);
    expect(await sink.send(0, [record(3, { ms: 12.5 }), record(4)], never)).toMatchObject({ kind: 'delivered', filtered: 1 });
    expect(calls[1]?.body).toEqual([{ key: 'ms', value: 12.5, epoch: 1_796_000_000.003 }]);
  });

  it('property: the events of any records are the record→event mapping, in order, keys and values within the API limits', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 60 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    const fieldNames = ['n', 'duration ms', 'a"b', 'x'.repeat(120)];
    const rec = fc.record({
      level: fc.constantFrom('debug', 'info', 'warn', 'error', 'fatal' as const),
      time: fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }),
      text: fc.string({ unit: 'binary', maxLength: 80 }),
      fields: fc.option(fc.dictionary(fc.constantFrom(...fieldNames, 'other'), scalar), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 8 }), fc.boolean(), (inputs, fieldsOnly) => {
        const max = 40;
        const sink = new InitialStateEventsSink(events({ fields: fieldNames, fieldsOnly, maxValueLength: max }), 1000, scripted([]).http);
        const records = inputs.map((r, seq): LogRecord => ({ level: r.level, time: r.time, text: r.text, seq, bytes: 1, ...(r.fields ? { fields: r.fields } : {}) }));
        const expected: EventsApiEvent[] = [];
        const keyOf: Record<string, string> = { n: 'n', 'duration ms': 'duration ms', 'a"b': 'a_b', ['x'.repeat(120)]: 'x'.repeat(100) };
        for (const r of records) {
          if (!fieldsOnly) expected.push({ key: 'log', value: capValue(LEVEL_PREFIX[r.level] + (r.text as string), max), epoch: r.time / 1000 });
          for (const f of fieldNames) {
            const v = r.fields?.[f];
            if (v !== undefined) expected.push({ key: keyOf[f] as string, value: typeof v === 'string' ? capValue(v, max) : v, epoch: r.time / 1000 });
          }
        }
        const got = sink.events(records);
        expect(got).toEqual(expected);
        for (const e of got) {
          expect(e.key.length).toBeLessThanOrEqual(100);
          expect([...e.key].every((ch) => ch >= ' ' && ch !== '"')).toBe(true);
          if (typeof e.value === 'string') expect(e.value.length).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});

describe('RateBudget', () => {
  function clock(start = 1_796_000_000_000): { now: () => number; advance: (ms: number) => void } {
    let t = start;
    return { now: () => t, advance: (ms) => (t += ms) };
  }

  it('holds nothing back before an answer; counts down what is left; waits for the reset at 0', () => {
    const c = clock();
    const budget = new RateBudget(c.now);
    expect(budget.wait()).toBe(0);
    budget.observe('2', String((c.now() + 5000) / 1000));
    budget.take();
    expect(budget.wait()).toBe(0);
    budget.take();
    expect(budget.wait()).toBe(5000);
    c.advance(4000);
    expect(budget.wait()).toBe(1000);
    c.advance(1000);
    expect(budget.wait()).toBe(0);
  });

  it('a reset given as seconds from now is read as such; unreadable or absurd headers are ignored', () => {
    const c = clock();
    const budget = new RateBudget(c.now);
    budget.observe('0', '3');
    expect(budget.wait()).toBe(3000);
    const other = new RateBudget(c.now);
    for (const [remaining, reset] of [['x', '5'], ['0', undefined], [undefined, '5'], ['0', String(c.now())]] as const) other.observe(remaining, reset);
    expect(other.wait()).toBe(0);
  });
});
