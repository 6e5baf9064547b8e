import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { postJson, request } from './http.js';

let emu: Emulator;
const KEY = { 'X-IS-ClientKey': 'test-client-key' };
const BUCKET = { bucketId: 'dc5c3b77-2c9a-4efd-a4ee-68759114e356', bucketName: 'The Bucket', clientKey: 'test-client-key' };

beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { b: BUCKET.bucketName, sn: 'log', v: 'INFO hello', e: Date.now() / 1000, tid: BUCKET.bucketId, ...overrides };
}

async function registerBucket(): Promise<void> {
  expect((await postJson(`${emu.url}/api/v1/buckets`, BUCKET)).status).toBe(204);
}

describe('initial state buckets', () => {
  it('registers a bucket and counts creations', async () => {
    await registerBucket();
    await registerBucket();
    expect(emu.initialState.bucketCreations).toBe(2);
    expect(emu.initialState.buckets).toEqual([{ bucketId: BUCKET.bucketId, bucketName: BUCKET.bucketName, creations: 2 }]);
    expect(emu.violations).toEqual([]);
  });

  it.each([
    ['missing clientKey', { ...BUCKET, clientKey: undefined }, 403, undefined],
    ['unknown clientKey', { ...BUCKET, clientKey: 'wrong' }, 401, 'bad-client-key'],
    ['bad guid', { ...BUCKET, bucketId: 'not-a-guid' }, 400, 'bad-guid'],
    ['empty name', { ...BUCKET, bucketName: '' }, 400, 'bad-bucket-name'],
    ['name over 200', { ...BUCKET, bucketName: 'n'.repeat(201) }, 400, 'bad-bucket-name'],
  ])('rejects %s', async (_name, body, status, rule) => {
    expect((await postJson(`${emu.url}/api/v1/buckets`, body)).status).toBe(status);
    expect(emu.violations.map((v) => v.rule)).toEqual(rule === undefined ? [] : [rule]);
    expect(emu.initialState.bucketCreations).toBe(0);
  });

  it('rejects a known bucketId registered under another name', async () => {
    await registerBucket();
    expect((await postJson(`${emu.url}/api/v1/buckets`, { ...BUCKET, bucketName: 'Other' })).status).toBe(400);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bucket-name-mismatch']);
  });

  it('requires Content-Type application/json', async () => {
    const res = await request(`${emu.url}/api/v1/buckets`, { body: JSON.stringify(BUCKET), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(emu.violations.map((v) => v.rule)).toEqual(['content-type']);
  });
});

describe('initial state batch_logs', () => {
  it('keeps the newest maxRecords events and counts every accepted one', async () => {
    const small = await startEmulator({ maxRecords: 2 });
    try {
      expect((await postJson(`${small.url}/api/v1/buckets`, BUCKET)).status).toBe(204);
      const res = await postJson(`${small.url}/batch_logs`, [event({ v: 'a' }), event({ v: 'b' }), event({ v: 'c' })], KEY);
      expect(res.status).toBe(204);
      expect(small.initialState.events.map((e) => e.v)).toEqual(['b', 'c']);
      expect(small.initialState.received).toBe(3);
      expect(small.initialState.requests.map((r) => r.path)).toEqual(['/api/v1/buckets', '/batch_logs']);
      expect((await postJson(`${small.url}/batch_logs`, [event({ v: 'd' })], KEY)).status).toBe(204);
      expect(small.initialState.requests.map((r) => r.path)).toEqual(['/batch_logs', '/batch_logs']);
      expect(small.initialState.requestsTotal).toBe(3);
    } finally {
      await small.close();
    }
  });

  it('accepts valid events into a registered bucket', async () => {
    await registerBucket();
    const events = [event(), event({ sn: 'count', v: 3 }), event({ sn: 'ok', v: true })];
    const res = await postJson(`${emu.url}/batch_logs`, events, KEY);
    expect(res.status).toBe(204);
    expect(emu.initialState.events.map((e) => e.v)).toEqual(['INFO hello', 3, true]);
    expect(emu.initialState.requests.map((r) => [r.path, r.status])).toEqual([['/api/v1/buckets', 204], ['/batch_logs', 204]]);
    expect(emu.initialState.requests[1]?.bytes).toBe(Buffer.byteLength(JSON.stringify(events)));
    expect(emu.violations).toEqual([]);
  });

  it.each([
    ['bad tid guid', { tid: 'nope' }, 'bad-guid'],
    ['unknown bucket', { tid: '00000000-0000-4000-8000-000000000000' }, 'unknown-bucket'],
    ['b mismatch', { b: 'Another Bucket' }, 'bucket-name-mismatch'],
    ['sn over 100', { sn: 's'.repeat(101) }, 'bad-signal-name'],
    ['empty sn', { sn: '' }, 'bad-signal-name'],
    ['v object', { v: { nested: true } }, 'bad-value'],
    ['v null', { v: null }, 'bad-value'],
    ['e in milliseconds', { e: Date.now() }, 'bad-epoch'],
    ['e two years old', { e: Date.now() / 1000 - 2 * 365 * 86_400 }, 'bad-epoch'],
    ['e a string', { e: '1416262288' }, 'bad-epoch'],
    ['b over 200', { b: 'b'.repeat(201) }, 'bad-bucket-name'],
  ])('rejects the whole request for %s', async (_name, overrides, rule) => {
    await registerBucket();
    const res = await postJson(`${emu.url}/batch_logs`, [event(), event(overrides)], KEY);
    expect(res.status).toBe(400);
    expect(emu.initialState.events).toEqual([]);
    expect(emu.violations.map((v) => v.rule)).toContain(rule);
    expect(emu.violations.every((v) => v.detail.includes('event 1'))).toBe(true);
  });

  it('answers 403 for a missing or unknown client key', async () => {
    await registerBucket();
    expect((await postJson(`${emu.url}/batch_logs`, [event()])).status).toBe(403);
    expect(emu.violations).toEqual([]);
    expect((await postJson(`${emu.url}/batch_logs`, [event()], { 'X-IS-ClientKey': 'wrong' })).status).toBe(403);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bad-client-key']);
  });

  it('does not accept buckets registered with another client key', async () => {
    const other = await startEmulator({ initialState: { clientKeys: ['key-a', 'key-b'] } });
    try {
      expect((await postJson(`${other.url}/api/v1/buckets`, { ...BUCKET, clientKey: 'key-a' })).status).toBe(204);
      expect((await postJson(`${other.url}/batch_logs`, [event()], { 'X-IS-ClientKey': 'key-b' })).status).toBe(400);
      expect(other.violations.map((v) => v.rule)).toEqual(['unknown-bucket']);
    } finally {
      await other.close();
    }
  });

  it('answers 400 to a body that is not a JSON array, and 415 to another content type', async () => {
    await registerBucket();
    expect((await postJson(`${emu.url}/batch_logs`, event(), KEY)).status).toBe(400);
    expect((await request(`${emu.url}/batch_logs`, { body: '[{', headers: { 'content-type': 'application/json', ...KEY } })).status).toBe(400);
    expect((await request(`${emu.url}/batch_logs`, { body: JSON.stringify([event()]), headers: KEY })).status).toBe(415);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bad-body', 'bad-body', 'content-type']);
  });

  it('answers 413 past initialState.maxBodyBytes (default 1 MiB) and keeps serving', async () => {
    await registerBucket();
    const big = Array.from({ length: 6000 }, () => event({ v: 'x'.repeat(200) }));
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(1_048_576);
    const res = await postJson(`${emu.url}/batch_logs`, big, KEY);
    expect(res.status).toBe(413);
    expect(emu.initialState.events).toEqual([]);
    expect(emu.initialState.requests.at(-1)).toMatchObject({ path: '/batch_logs', status: 413 });
    expect((await postJson(`${emu.url}/batch_logs`, [event()], KEY)).status).toBe(204);
  });

  it('honours a smaller initialState.maxBodyBytes', async () => {
    const small = await startEmulator({ initialState: { maxBodyBytes: 500 } });
    try {
      expect((await postJson(`${small.url}/api/v1/buckets`, BUCKET)).status).toBe(204);
      expect((await postJson(`${small.url}/batch_logs`, [event(), event(), event(), event(), event()], KEY)).status).toBe(413);
      expect((await postJson(`${small.url}/batch_logs`, [event()], KEY)).status).toBe(204);
    } finally {
      await small.close();
    }
  });
});
