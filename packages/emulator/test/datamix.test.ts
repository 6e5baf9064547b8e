import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { field, postJson, request, sleep } from './http.js';

let emu: Emulator;
const LOGS = '/destinations/test.app.dev/logs';

beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

async function createSession(): Promise<string> {
  const res = await postJson(`${emu.url}/sessions`, { key: 'test-key' });
  expect(res.status).toBe(200);
  const token = field(res.json, 'token');
  if (typeof token !== 'string') throw new Error('no token');
  return token;
}

function message(text: string, level = 'info', timestamp = Date.now()): Record<string, unknown> {
  return { level, timestamp, message: text };
}

/** Opens a session on `url` and posts each batch with the token the previous answer gave; every answer must be 200. */
async function postChain(url: string, batches: Record<string, unknown>[][]): Promise<void> {
  const session = await postJson(`${url}/sessions`, { key: 'test-key' });
  let token = field(session.json, 'token');
  for (const messages of batches) {
    const res = await postJson(`${url}${LOGS}`, { session: token, messages });
    expect(res.status).toBe(200);
    token = field(res.json, 'session');
  }
}

describe('datamix sessions', () => {
  it('creates a session from a JSON body or a query key', async () => {
    const before = Date.now();
    const res = await postJson(`${emu.url}/sessions`, { key: 'test-key' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ system: 'test', application: 'app', environment: 'dev' });
    const expires = field(res.json, 'expires');
    expect(Number.isInteger(expires)).toBe(true);
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000);

    const byQuery = await request(`${emu.url}/sessions?key=test-key`);
    expect(byQuery.status).toBe(200);
    expect(emu.datamix.sessionCreations).toBe(2);
    expect(emu.datamix.sessions).toHaveLength(2);
  });

  it('answers 400 for a missing key and 401 for an unknown key', async () => {
    expect((await postJson(`${emu.url}/sessions`, {})).status).toBe(400);
    const unknown = await postJson(`${emu.url}/sessions`, { key: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: 'invalid api key' });
    expect(emu.datamix.sessionCreations).toBe(0);
  });

  it('puts the server clock in the Date header', async () => {
    const skewed = await startEmulator({ clockOffsetMs: -3_600_000 });
    try {
      const res = await postJson(`${skewed.url}/sessions`, { key: 'test-key' });
      const date = Date.parse(res.headers.get('date') ?? '');
      expect(Math.abs(date - (Date.now() - 3_600_000))).toBeLessThan(3_000);
    } finally {
      await skewed.close();
    }
  });
});

describe('datamix logs', () => {
  it('accepts a chain of requests, each with the token the previous one returned', async () => {
    const first = await createSession();
    const res1 = await postJson(`${emu.url}${LOGS}`, { session: first, messages: [message('one'), message('two', 'warn')] });
    expect(res1.status).toBe(200);
    expect(res1.json).toMatchObject({ processed: 2, rejected: [], system: 'test', application: 'app', environment: 'dev' });
    const second = field(res1.json, 'session');
    expect(typeof second).toBe('string');
    expect(second).not.toBe(first);

    const res2 = await postJson(`${emu.url}${LOGS}`, { session: second, messages: [message('three')] });
    expect(res2.status).toBe(200);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['one', 'two', 'three']);
    expect(emu.datamix.records[0]).toMatchObject({ destination: 'test.app.dev', level: 'info', sessionId: emu.datamix.sessions[0]?.id });
    expect(emu.datamix.sessions[0]?.requests).toBe(2);
    expect(emu.violations).toEqual([]);
  });

  it('answers 409 stale for a token that was already used', async () => {
    const token = await createSession();
    expect((await postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('a')] })).status).toBe(200);
    const again = await postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('a')] });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: 'stale session token: already used' });
    expect(emu.violations.map((v) => v.rule)).toEqual(['stale-token']);
    expect(emu.datamix.records).toHaveLength(1);
  });

  it('answers 401 for an unknown token and 403 for the wrong destination', async () => {
    const unknown = await postJson(`${emu.url}${LOGS}`, { session: 'made-up', messages: [] });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: 'invalid session' });
    const token = await createSession();
    const wrong = await postJson(`${emu.url}/destinations/other.app.dev/logs`, { session: token, messages: [message('x')] });
    expect(wrong.status).toBe(403);
    expect(emu.violations.map((v) => v.rule)).toEqual(['unknown-token', 'wrong-destination']);
  });

  it('answers 401 session expired past the session TTL', async () => {
    emu.faults.setSessionTtl(20);
    const token = await createSession();
    await sleep(40);
    const res = await postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('late')] });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'session expired' });
    expect(emu.violations.map((v) => v.rule)).toEqual(['expired-token']);
  });

  it('answers 409 to a parallel request on a session while one is being processed', async () => {
    const token = await createSession();
    emu.faults.delayNext(1, 800, { path: 'logs' });
    const slow = postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('slow')] });
    await emu.waitFor(() => emu.faults.injected.length === 1);
    await sleep(30);
    const parallel = await postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('parallel')] });
    expect(parallel.status).toBe(409);
    expect(parallel.json).toEqual({ error: 'parallel request on session' });
    expect((await slow).status).toBe(200);
    expect(emu.violations.map((v) => v.rule)).toEqual(['parallel-request']);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['slow']);
  });

  it('rejects invalid messages one by one, with the index as a string', async () => {
    const token = await createSession();
    const res = await postJson(`${emu.url}${LOGS}`, {
      session: token,
      messages: [
        message('ok'),
        message('bad level', 'trace'),
        message('too old', 'info', Date.now() - 11 * 60_000),
        { level: 'info', timestamp: Date.now() + 0.5, message: 'fractional' },
        { level: 'info', timestamp: Date.now(), message: 42 },
        'not an object',
        message('also ok', 'fatal'),
      ],
    });
    expect(res.status).toBe(200);
    expect(field(res.json, 'processed')).toBe(2);
    const rejected = field(res.json, 'rejected');
    expect(Array.isArray(rejected) && rejected.map((r: unknown) => field(r, 'index'))).toEqual(['1', '2', '3', '4', '5']);
    expect(String(field(Array.isArray(rejected) ? rejected[1] : undefined, 'message'))).toMatch(/too old/);
    expect(emu.datamix.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(emu.datamix.rejected[0]).toMatchObject({ level: 'trace' });
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['ok', 'also ok']);
    expect(emu.violations.map((v) => v.rule)).toEqual(['bad-level', 'time-window', 'bad-timestamp', 'bad-message', 'bad-message']);
  });

  it('judges the time window by the server clock (clockOffsetMs)', async () => {
    const behind = await startEmulator({ clockOffsetMs: -3_600_000 });
    try {
      const session = await postJson(`${behind.url}/sessions`, { key: 'test-key' });
      const res = await postJson(`${behind.url}${LOGS}`, {
        session: field(session.json, 'token'),
        messages: [message('client now'), message('server now', 'info', Date.now() - 3_600_000), message('9s ahead', 'info', Date.now() - 3_600_000 + 9_000)],
      });
      expect(field(res.json, 'processed')).toBe(2);
      expect(field(res.json, 'rejected')).toEqual([{ index: '0', message: expect.stringMatching(/future/) as unknown }]);
      expect(behind.violations.map((v) => v.rule)).toEqual(['time-window']);
    } finally {
      await behind.close();
    }
  });

  it('answers 400 to bad bodies and keeps serving', async () => {
    const token = await createSession();
    const cases: (string | Uint8Array)[] = [
      '{not json',
      '[1,2]',
      JSON.stringify({ session: token, messages: 'nope' }),
      JSON.stringify({ messages: [] }),
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      '',
    ];
    for (const body of cases) {
      const res = await request(`${emu.url}${LOGS}`, { body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(typeof field(res.json, 'error')).toBe('string');
    }
    expect((await request(`${emu.url}/sessions`, { body: '{"key":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect(emu.violations.every((v) => v.rule === 'bad-body')).toBe(true);
    expect((await postJson(`${emu.url}${LOGS}`, { session: token, messages: [message('still fine')] })).status).toBe(200);
  });

  it('answers 404 to unknown paths and 405 to wrong methods, with a Date header', async () => {
    const missing = await request(`${emu.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('date')).not.toBeNull();
    const wrongMethod = await request(`${emu.url}/sessions`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(emu.datamix.requests).toEqual([{ path: '/sessions', status: 405 }]);
  });

  it('answers 413 past maxBodyBytes', async () => {
    const small = await startEmulator({ maxBodyBytes: 100 });
    try {
      const res = await postJson(`${small.url}/sessions`, { key: 'test-key', pad: 'x'.repeat(200) });
      expect(res.status).toBe(413);
      expect((await postJson(`${small.url}/sessions`, { key: 'test-key' })).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('keeps the newest maxRecords records and requests, and counts every accepted one', async () => {
    const small = await startEmulator({ maxRecords: 3 });
    try {
      await postChain(small.url, [['one', 'two'], ['three', 'four'], ['five']].map((texts) => texts.map((t) => message(t))));
      expect(small.datamix.records.map((r) => r.message)).toEqual(['three', 'four', 'five']);
      expect(small.datamix.received).toBe(5);
      expect(small.datamix.requests).toHaveLength(3);
      const state = await request(`${small.url}/_emulator/state`, { method: 'GET' });
      expect(field(field(state.json, 'datamix'), 'records')).toBe(5);
      small.reset();
      expect(small.datamix.received).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('keeps the newest maxRecords records of a batch larger than maxRecords, with rejections among them', async () => {
    const small = await startEmulator({ maxRecords: 3 });
    try {
      await postChain(small.url, [[message('one'), message('two'), message('three'), message('x', 'loud'), message('four'), message('y', 'shout'), message('z', 'loud')]]);
      expect(small.datamix.records.map((r) => r.message)).toEqual(['two', 'three', 'four']);
      expect(small.datamix.received).toBe(4);
      expect(small.datamix.rejectedTotal).toBe(3);
      await postChain(small.url, [[message('five'), message('w', 'loud')]]);
      expect(small.datamix.records.map((r) => r.message)).toEqual(['three', 'four', 'five']);
    } finally {
      await small.close();
    }
  });

  it('keeps the newest maxRecords rejections, violations and requests, and counts every one of them', async () => {
    const small = await startEmulator({ maxRecords: 2 });
    try {
      // Three requests, each with one good message and two bad levels: 6 rejected, 6 violations.
      const batch = [message('ok'), message('a', 'loud'), message('b', 'shout')];
      await postChain(small.url, [batch, batch, batch]);
      expect(small.datamix.rejected).toHaveLength(2);
      expect(small.datamix.rejectedTotal).toBe(6);
      expect(small.violations.map((v) => v.rule)).toEqual(['bad-level', 'bad-level']);
      expect(small.violationsTotal).toBe(6);
      expect(small.datamix.requests).toHaveLength(2);
      expect(small.datamix.requestsTotal).toBe(4);
      const state = await request(`${small.url}/_emulator/state`, { method: 'GET' });
      expect(state.json).toMatchObject({ datamix: { records: 3, rejected: 6, requests: 4 }, violationsTotal: 6 });
      small.reset();
      expect([small.datamix.rejectedTotal, small.datamix.requestsTotal, small.violationsTotal]).toEqual([0, 0, 0]);
    } finally {
      await small.close();
    }
  });

  it('rejects a maxRecords that is not a non-negative integer, naming it', async () => {
    await expect(startEmulator({ maxRecords: -1 })).rejects.toThrow(/maxRecords must be a non-negative integer/);
    await expect(startEmulator({ maxRecords: 1.5 })).rejects.toThrow(/maxRecords/);
  });
});
