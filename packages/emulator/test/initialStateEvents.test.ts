import { afterEach, describe, expect, it } from 'vitest';
import { acceptsVersion } from '../src/acceptVersion.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';
import { field, postJson, request } from './http.js';

let emu: Emulator;
afterEach(async () => {
  await emu.close();
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator(options);
  return emu;
}

const HEADERS = { 'Accept-Version': '~0', 'X-IS-AccessKey': 'test-access-key' };
const now = (): number => Date.now() / 1000;
const event = (n: number): Record<string, unknown> => ({ key: 'temperature', value: n, epoch: now() });

function createBucket(bucket: Record<string, unknown> = { bucketKey: 'demo', bucketName: 'Demo' }, headers: Record<string, string> = HEADERS) {
  return postJson(`${emu.url}/api/buckets`, bucket, headers);
}

function postEvents(body: unknown, headers: Record<string, string> = {}) {
  return postJson(`${emu.url}/api/events`, body, { ...HEADERS, 'X-IS-BucketKey': 'demo', ...headers });
}

describe('Events API: buckets', () => {
  it('201 when created, 204 when it exists; the key is unique per access key', async () => {
    await start({ initialStateEvents: { accessKeys: ['test-access-key', 'other-key'] } });
    expect((await createBucket()).status).toBe(201);
    expect((await createBucket()).status).toBe(204);
    expect((await createBucket({ bucketKey: 'demo' }, { ...HEADERS, 'X-IS-AccessKey': 'other-key' })).status).toBe(201);
    expect(emu.initialStateEvents.buckets).toEqual([
      { bucketKey: 'demo', bucketName: 'Demo', creations: 2, events: 0 },
      { bucketKey: 'demo', creations: 1, events: 0 },
    ]);
    expect(emu.initialStateEvents.bucketCreations).toBe(3);
    expect(emu.violations).toEqual([]);
  });

  it.each([
    ['an empty key', { bucketKey: '' }, 'bad-bucket-key'],
    ['a key over 250', { bucketKey: 'k'.repeat(251) }, 'bad-bucket-key'],
    ['a colon', { bucketKey: 'a:b' }, 'bad-bucket-key'],
    ['a double quote', { bucketKey: 'a"b' }, 'bad-bucket-key'],
    ['a single quote', { bucketKey: "a'b" }, 'bad-bucket-key'],
    ['a name over 250', { bucketKey: 'k', bucketName: 'n'.repeat(251) }, 'bad-bucket-name'],
  ])('refuses %s with 400', async (_name, body, rule) => {
    await start();
    expect((await createBucket(body)).status).toBe(400);
    expect(emu.violations.map((v) => v.rule)).toEqual([rule]);
    expect(emu.initialStateEvents.buckets).toEqual([]);
  });

  it('accepts a key of exactly 250 characters and a name of 250', async () => {
    await start();
    expect((await createBucket({ bucketKey: 'k'.repeat(250), bucketName: 'n'.repeat(250) })).status).toBe(201);
  });
});

describe('Events API: keys and versions', () => {
  it('no access key: 401; an unknown one: 403 ACCESS_DENIED_KEY, never echoing the key', async () => {
    await start();
    expect((await createBucket(undefined, { 'Accept-Version': '~0' })).status).toBe(401);
    const denied = await createBucket(undefined, { 'Accept-Version': '~0', 'X-IS-AccessKey': 'wrong-key-123' });
    expect(denied.status).toBe(403);
    expect(denied.json).toBe('ACCESS_DENIED_KEY');
    const events = await postEvents([event(1)], { 'X-IS-AccessKey': 'wrong-key-123' });
    expect(events.status).toBe(403);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bad-access-key', 'bad-access-key']);
    expect(JSON.stringify(emu.violations)).not.toContain('wrong-key-123');
  });

  it('Accept-Version: a range a supported version satisfies goes; one none does is 400; none at all goes as a violation', async () => {
    await start();
    for (const version of ['~0', '<=0.0.4', '0.0.x', '^0.0.1', '0', '*', '>=0.0.1 <0.1.0', '~1 || ~0']) {
      expect((await createBucket(undefined, { ...HEADERS, 'Accept-Version': version })).status, version).toBeLessThan(300);
    }
    expect(emu.violations).toEqual([]);
    for (const version of ['~1', '>=0.1', '0.0.2', 'latest']) {
      expect((await createBucket(undefined, { ...HEADERS, 'Accept-Version': version })).status, version).toBe(400);
    }
    expect(emu.violations.map((v) => v.rule)).toEqual(Array(4).fill('bad-accept-version'));
    emu.reset();
    expect((await createBucket(undefined, { 'X-IS-AccessKey': 'test-access-key' })).status).toBe(204);
    expect(emu.violations.map((v) => v.rule)).toEqual(['missing-accept-version']);
    const versions = await request(`${emu.url}/api/versions`, { method: 'GET' });
    expect(versions.json).toEqual(['0.0.1']);
  });

  it('acceptsVersion reads npm-style ranges', () => {
    const v = ['0.0.1'];
    expect(['~0', '~0.0', '~0.0.1', '^0', '0.0.1', '=0.0.1', '<0.1', '<=0.0.1', '>0.0.0', '>=0.0', 'x', '0.x', ' ~0 '].filter((r) => !acceptsVersion(r, v))).toEqual([]);
    expect(['~0.1', '^0.0.2', '<0.0.1', '>0.0.1', '1', '>=1.0.0', '', 'abc', '~', '0.0.1-beta'].filter((r) => acceptsVersion(r, v))).toEqual(['']);
  });
});

describe('Events API: events', () => {
  it('buckets before events: an event for a bucket never created is refused', async () => {
    await start();
    const res = await postEvents([event(1)]);
    expect(res.status).toBe(400);
    expect(field(field(field(res.json, 'message'), 'error'), 'type')).toBe('BUCKET_NOT_FOUND');
    expect(emu.violations.map((v) => v.rule)).toEqual(['unknown-bucket']);
    expect(emu.initialStateEvents.received).toBe(0);
  });

  it('accepts an array or a single event; epoch or iso8601 or the server time; inspection per bucket', async () => {
    await start();
    await createBucket();
    await createBucket({ bucketKey: 'other' });
    expect((await postEvents([event(1), { key: 'on', value: true, iso8601: '2026-01-01T00:00:00.500Z' }, { key: 'msg', value: 'hi' }])).status).toBe(204);
    expect((await postEvents({ key: 'one', value: 1.5, epoch: 1_796_000_000.25 })).status).toBe(204);
    expect((await postEvents([event(2)], { 'X-IS-BucketKey': 'other' })).status).toBe(204);
    const demo = emu.initialStateEvents.eventsIn('demo');
    expect(demo.map((e) => [e.key, e.value])).toEqual([['temperature', 1], ['on', true], ['msg', 'hi'], ['one', 1.5]]);
    expect(demo[1]?.epoch).toBe(Date.parse('2026-01-01T00:00:00.500Z') / 1000);
    expect(demo[3]?.epoch).toBe(1_796_000_000.25);
    expect(Math.abs((demo[2]?.epoch ?? 0) - now())).toBeLessThan(60);
    expect(emu.initialStateEvents.eventsIn('other')).toHaveLength(1);
    expect(emu.initialStateEvents.buckets.map((b) => [b.bucketKey, b.events])).toEqual([['demo', 4], ['other', 1]]);
    const state = await request(`${emu.url}/_emulator/state`, { method: 'GET' });
    expect(field(state.json, 'initialStateEvents')).toMatchObject({ events: 5, bucketCreations: 2, buckets: [{ bucketKey: 'demo', events: 4 }, { bucketKey: 'other', events: 1 }] });
    expect(emu.violations).toEqual([]);
  });

  it.each([
    ['a missing key', { value: 1 }],
    ['a key over 100', { key: 'k'.repeat(101), value: 1 }],
    ['a string value over 2000', { key: 'k', value: 'v'.repeat(2001) }],
    ['an object value', { key: 'k', value: { a: 1 } }],
    ['null', { key: 'k', value: null }],
    ['milliseconds as epoch', { key: 'k', value: 1, epoch: Date.now() }],
    ['the old API fields', { signal: 'k', value: 1, epoch: now() }],
    ['a bad iso8601', { key: 'k', value: 1, iso8601: 'yesterday' }],
  ])('one bad event (%s) refuses the whole request', async (_name, bad) => {
    await start();
    await createBucket();
    expect((await postEvents([event(1), bad])).status).toBe(400);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bad-event']);
    expect(emu.initialStateEvents.received).toBe(0);
  });

  it('at most 10 events a request, at most 1 MB a body; without a bucket key, 400; not JSON, 415', async () => {
    await start();
    await createBucket();
    expect((await postEvents(Array.from({ length: 10 }, (_, i) => event(i)))).status).toBe(204);
    expect((await postEvents(Array.from({ length: 11 }, (_, i) => event(i)))).status).toBe(400);
    expect(emu.violations.map((v) => v.rule)).toEqual(['too-many-events']);
    expect((await postEvents([{ key: 'k', value: 'v'.repeat(1_100_000) }])).status).toBe(413);
    const { 'X-IS-BucketKey': _, ...noBucket } = { ...HEADERS, 'X-IS-BucketKey': 'demo' };
    expect((await postJson(`${emu.url}/api/events`, [event(1)], noBucket)).status).toBe(400);
    expect((await request(`${emu.url}/api/events`, { body: '[]', headers: { ...HEADERS, 'X-IS-BucketKey': 'demo', 'content-type': 'text/plain' } })).status).toBe(415);
    expect(emu.initialStateEvents.received).toBe(10);
  });
});

describe('Events API: rate limit and quota', () => {
  it('the limit per window: every answer carries X-RateLimit-*; past it, 429 with Retry-After', async () => {
    // Windows are aligned to the clock: an hour-long one makes a boundary between these requests all but impossible.
    const hour = 3_600_000;
    await start({ initialStateEvents: { rateLimit: { limit: 3, windowMs: hour } } });
    const first = await createBucket();
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBe(Math.ceil(Date.now() / hour) * hour);
    expect((await postEvents([event(1)])).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await postEvents([event(2)])).headers.get('x-ratelimit-remaining')).toBe('0');
    const refused = await postEvents([event(3)]);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(Math.abs(retryAfter - (reset * 1000 - Date.now()) / 1000)).toBeLessThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(emu.initialStateEvents.received).toBe(2);
    expect(emu.violations).toEqual([]);
  });

  it('quota(n): n events are accepted, then 402; a request that would pass n is refused whole', async () => {
    await start();
    await createBucket();
    emu.faults.quota(5);
    expect((await postEvents([event(1), event(2), event(3)])).status).toBe(204);
    const over = await postEvents([event(4), event(5), event(6)]);
    expect(over.status).toBe(402);
    expect(field(over.json, 'message')).toMatch(/Event limit exceeded/);
    expect((await postEvents([event(4), event(5)])).status).toBe(204);
    expect((await postEvents([event(6)])).status).toBe(402);
    expect(emu.initialStateEvents.received).toBe(5);
    expect(emu.faults.injected).toEqual([{ kind: 'quota', path: '/api/events' }, { kind: 'quota', path: '/api/events' }]);
    emu.faults.clear();
    expect((await postEvents([event(6)])).status).toBe(204);
    expect(() => emu.faults.quota(-1)).toThrow(/non-negative integer/);
  });

  it('failNext on api/events answers the injected status with Retry-After, unprocessed', async () => {
    await start();
    await createBucket();
    emu.faults.failNext(1, { status: 429, retryAfter: '2', path: 'api/events' });
    const res = await postEvents([event(1)]);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await postEvents([event(1)])).status).toBe(204);
    expect(emu.initialStateEvents.requests.map((r) => [r.path, r.status])).toEqual([['/api/buckets', 201], ['/api/events', 429], ['/api/events', 204]]);
  });
});
