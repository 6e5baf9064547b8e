import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createClient } from '@logferry/core';
import type { DatamixRecord } from '@logferry/emulator';
import { useResources } from './support/lifecycle.js';
import { datamixOptions, flushLogger } from './support/pino.js';
import { mustSeq, onceCheck } from './support/records.js';

const res = useResources();
/** ~2 KB of message text a record, the size the parallel-sessions bench uses. */
const PAD = 'x'.repeat(2000);

function expectOnce(records: readonly DatamixRecord[], total: number): void {
  expect(onceCheck(records.map((r) => mustSeq(r.message)), total)).toEqual({ duplicates: [], missing: [], extra: [] });
}

describe('Datamix sessions against a per-session throughput cap', { timeout: 120_000 }, () => {
  it('the emulator holds a session busy while its capped request lasts: a second request meanwhile is a parallel-request 409', async () => {
    const emu = await res.emulator({ datamix: { sessionBytesPerSec: 10_000 } });
    const created = (await (await fetch(`${emu.url}/sessions`, { method: 'POST', body: JSON.stringify({ key: 'test-key' }) })).json()) as { token: string };
    const body = JSON.stringify({ session: created.token, messages: [{ level: 'info', timestamp: Date.now(), message: PAD }] });
    const post = () => fetch(`${emu.url}/destinations/test.app.dev/logs`, { method: 'POST', body });
    const first = post();
    await emu.waitFor(() => emu.datamix.busySessionsPeak === 1);
    const second = await post();
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    expect(emu.violations.map((v) => v.rule)).toEqual(['parallel-request']);
    await expect(res.emulator({ datamix: { sessionBytesPerSec: -1 } })).rejects.toThrow(/datamix\.sessionBytesPerSec/);
  });

  it('sessions: 4 (pino, worker): four sessions carry requests at once, none ever two, every record once', async () => {
    const emu = await res.emulator({ datamix: { sessionBytesPerSec: 1_000_000 } });
    const transport = res.transport({ target: '@logferry/pino', options: datamixOptions(emu.url, {}, { sessions: 4 }) });
    const logger = pino(transport);
    const total = 3000;
    for (let n = 0; n < total; n++) logger.info({ n, pad: PAD }, 'msg');
    await flushLogger(logger);
    expectOnce(emu.datamix.records, total);
    expect(emu.datamix.busySessionsPeak).toBe(4);
    expect(emu.datamix.sessionCreations).toBe(4);
    // The emulator answers 409 parallel-request to a second request on a busy session: none came.
    expect(emu.violations).toEqual([]);
  });

  it('sessions: { min: 1, max: 4 }: a load above one session\'s cap opens more, a quiet period closes them back to min', async () => {
    const emu = await res.emulator({ datamix: { sessionBytesPerSec: 300_000 } });
    const client = res.client(
      createClient({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url, sessions: { min: 1, max: 4, idleMs: 1000 } }, batch: { intervalMs: 100 } }, {}),
    );
    // ~1 MB/s for 5 s: more than three sessions at 300 KB/s can carry.
    let n = 0;
    let peak = 0;
    for (let tick = 0; tick < 50; tick++) {
      for (let i = 0; i < 100; i++) client.log({ level: 'info', message: 'msg', n: n++, pad: PAD });
      peak = Math.max(peak, client.stats().lanesOpen);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.flush();
    expectOnce(emu.datamix.records, n);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(4);
    expect(emu.datamix.busySessionsPeak).toBeGreaterThanOrEqual(2);
    expect(emu.datamix.sessionCreations).toBeGreaterThanOrEqual(peak);
    // Quiet: the sessions above min close (each after idleMs without a batch).
    await emu.waitFor(() => client.stats().lanesOpen === 1, 30_000);
    // A record after the quiet period goes on the one session left: no new session opens for it.
    const sessionsBefore = emu.datamix.sessionCreations;
    client.log({ level: 'info', message: 'msg', n: n++ });
    await client.flush();
    expect(emu.datamix.sessionCreations).toBe(sessionsBefore);
    expect(client.stats().lanesOpen).toBe(1);
    expect(emu.violations).toEqual([]);
  });
});
