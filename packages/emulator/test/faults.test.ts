import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { firstEvent } from './sse.js';
import { field, postJson, request, sleep } from './http.js';

let emu: Emulator;
const LOGS = '/destinations/test.app.dev/logs';

beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

async function createSession(target: Emulator = emu): Promise<string> {
  const res = await postJson(`${target.url}/sessions`, { key: 'test-key' });
  const token = field(res.json, 'token');
  if (typeof token !== 'string') throw new Error(`no token, status ${res.status}`);
  return token;
}

function logs(token: string, text: string): Record<string, unknown> {
  return { session: token, messages: [{ level: 'info', timestamp: Date.now(), message: text }] };
}

describe('faults', () => {
  it('failNext answers the status with Retry-After, without processing, for matching paths only', async () => {
    emu.faults.failNext(1, { status: 503, retryAfter: '2', path: 'logs' });
    const token = await createSession();
    const failed = await postJson(`${emu.url}${LOGS}`, logs(token, 'first try'));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(emu.datamix.records).toEqual([]);
    // The token was not consumed, so the retry with the same token succeeds.
    expect((await postJson(`${emu.url}${LOGS}`, logs(token, 'retry'))).status).toBe(200);
    expect(emu.faults.injected).toEqual([{ kind: 'fail', path: LOGS }]);
    expect(emu.datamix.requests.map((r) => r.status)).toEqual([200, 503, 200]);
  });

  it('failNext sends a custom body and queues in FIFO order', async () => {
    emu.faults.failNext(2, { status: 429, body: { error: 'slow down' } });
    emu.faults.failNext(1, { status: 500 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postJson(`${emu.url}/sessions`, { key: 'test-key' })).status);
    expect(statuses).toEqual([429, 429, 500, 200]);
    expect(emu.datamix.sessionCreations).toBe(1);
  });

  it("resetNext 'before' drops the connection without processing", async () => {
    emu.faults.resetNext(1, { path: 'sessions' });
    await expect(postJson(`${emu.url}/sessions`, { key: 'test-key' })).rejects.toThrow();
    expect(emu.datamix.sessionCreations).toBe(0);
    expect(emu.datamix.requests).toEqual([{ path: '/sessions', status: 0 }]);
    await createSession();
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['reset-before']);
  });

  it("resetNext 'after' processes the request, then loses the response", async () => {
    const token = await createSession();
    emu.faults.resetNext(1, { when: 'after', path: 'logs' });
    await expect(postJson(`${emu.url}${LOGS}`, logs(token, 'ambiguous'))).rejects.toThrow();
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['ambiguous']);
    // The client retries with the same token and learns that the first attempt went through.
    const retry = await postJson(`${emu.url}${LOGS}`, logs(token, 'ambiguous'));
    expect(retry.status).toBe(409);
    expect(emu.datamix.records).toHaveLength(1);
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['reset-after']);
  });

  it('hangNext never answers; the client gives up and the server carries on', async () => {
    emu.faults.hangNext(1);
    const controller = new AbortController();
    const hung = postJson(`${emu.url}/sessions`, { key: 'test-key' }, {}, controller.signal);
    await emu.waitFor(() => emu.faults.injected.length === 1);
    controller.abort();
    await expect(hung).rejects.toThrow();
    expect(emu.datamix.sessionCreations).toBe(0);
    await createSession();
    expect(emu.datamix.sessionCreations).toBe(1);
  });

  it('close() does not hang on a hung request', async () => {
    emu.faults.hangNext(1, { path: 'batch_logs' });
    const hung = postJson(`${emu.url}/batch_logs`, [], { 'X-IS-ClientKey': 'test-client-key' });
    await emu.waitFor(() => emu.faults.injected.length === 1);
    const started = Date.now();
    await emu.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow();
  });

  it('down destroys every request for a while, then recovers', async () => {
    const started = Date.now();
    emu.faults.down(300);
    await expect(postJson(`${emu.url}/sessions`, { key: 'test-key' })).rejects.toThrow();
    await expect(postJson(`${emu.url}/batch_logs`, [])).rejects.toThrow();
    await sleep(started + 320 - Date.now());
    await createSession();
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['down', 'down']);
  });

  it('down() and hangSessions() with no ms last until they are ended with 0', async () => {
    emu.faults.down();
    await expect(postJson(`${emu.url}/sessions`, { key: 'test-key' })).rejects.toThrow();
    emu.faults.down(0);
    emu.faults.hangSessions();
    await expect(postJson(`${emu.url}/sessions`, { key: 'test-key' }, {}, AbortSignal.timeout(50))).rejects.toThrow();
    emu.faults.hangSessions(0);
    await createSession();
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['down', 'hang-sessions']);
    expect(() => emu.faults.down(Number.NaN)).toThrow(/down ms/);
  });

  it('delayNext processes normally after the delay', async () => {
    emu.faults.delayNext(1, 120, { path: 'sessions' });
    const started = Date.now();
    await createSession();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['delay']);
  });

  it('failRate is deterministic for a seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const target = await startEmulator();
      try {
        target.faults.failRate(0.5, { status: 503, retryAfter: '1', seed, path: 'sessions' });
        const statuses: number[] = [];
        for (let i = 0; i < 16; i += 1) statuses.push((await postJson(`${target.url}/sessions`, { key: 'test-key' })).status);
        expect(target.datamix.sessionCreations).toBe(statuses.filter((s) => s === 200).length);
        return statuses;
      } finally {
        await target.close();
      }
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(503);
  });

  it('hangSessions hangs POST /sessions for a while, other paths unaffected', async () => {
    const token = await createSession();
    const started = Date.now();
    emu.faults.hangSessions(300);
    await expect(postJson(`${emu.url}/sessions`, { key: 'test-key' }, {}, AbortSignal.timeout(50))).rejects.toThrow();
    expect((await postJson(`${emu.url}${LOGS}`, logs(token, 'still flowing'))).status).toBe(200);
    await sleep(started + 320 - Date.now());
    await createSession();
    expect(emu.faults.injected.map((f) => f.kind)).toEqual(['hang-sessions']);
  });

  it('clear() removes every fault', async () => {
    emu.faults.failNext(5, { status: 500 });
    emu.faults.failRate(1, { status: 503 });
    emu.faults.down(10_000);
    emu.faults.clear();
    await createSession();
  });

  it('rejects invalid fault arguments', () => {
    expect(() => emu.faults.failNext(0, { status: 500 })).toThrow(/count/);
    expect(() => emu.faults.failNext(1, { status: 42 })).toThrow(/status/);
    expect(() => emu.faults.failRate(2, { status: 500 })).toThrow(/rate/);
  });
});

describe('observing the emulator', () => {
  it('serves the viewer page, its event stream and a JSON summary without keys or tokens', async () => {
    const token = await createSession();
    await postJson(`${emu.url}${LOGS}`, logs(token, 'shown on the page <b>'));
    const page = await request(`${emu.url}/`, { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.text).toContain('data-testid="records"');
    expect(page.text).not.toContain('http-equiv="refresh"'); // live over server-sent events, not reloads
    const snapshot = await firstEvent(`${emu.url}/_emulator/events`);
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.data).toMatchObject({ records: [{ kind: 'datamix', target: 'test.app.dev', message: 'shown on the page <b>' }], counters: { records: 1, sessions: 1 } });
    const state = await request(`${emu.url}/_emulator/state`, { method: 'GET' });
    expect(state.json).toMatchObject({ datamix: { sessionCreations: 1, records: 1 } });
    for (const secret of [token, 'test-key', 'test-client-key']) {
      expect(state.text).not.toContain(secret);
      expect(page.text).not.toContain(secret);
      expect(snapshot.raw).not.toContain(secret);
    }
  });

  it('reset() clears what was recorded but keeps sessions working', async () => {
    const token = await createSession();
    await postJson(`${emu.url}${LOGS}`, logs(token, 'before reset'));
    await postJson(`${emu.url}${LOGS}`, logs(token, 'stale'));
    emu.faults.failNext(1, { status: 500 });
    emu.reset();
    expect(emu.datamix.records).toEqual([]);
    expect(emu.violations).toEqual([]);
    expect(emu.datamix.requests).toEqual([]);
    expect(emu.faults.injected).toEqual([]);
    expect(emu.datamix.sessions).toHaveLength(1);
    expect((await postJson(`${emu.url}/sessions`, { key: 'test-key' })).status).toBe(200);
  });

  it('waitFor rejects with a descriptive error after the timeout', async () => {
    await expect(emu.waitFor(() => emu.datamix.records.length > 0, 50)).rejects.toThrow(/waitFor timed out after 50 ms.*records/);
  });
});
