// A busy lane's next batch is taken from the buffer and its body built early
// (Sink.prepare). These are the ways that could go wrong, each checked against
// what the emulator received: an independent review found all four on the
// first version of the pipeline.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '@logferry/core';
import { useResources } from '../support/lifecycle.js';
import { mustSeq } from '../support/records.js';

const res = useResources();
const MINUTE = 60_000;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('the next batch, prepared while a request is under way', () => {
  it('close() that times out spools every record in the order logged, the prepared next batch after the one in flight', async () => {
    const emu = await res.emulator();
    const path = join(mkdtempSync(join(tmpdir(), 'logferry-prepared-')), 'spool.ndjson');
    emu.faults.hangNext(5, { path: 'logs' });
    const c = createClient(
      { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { maxEvents: 50, intervalMs: 60_000 }, spool: { path }, exitTimeoutMs: 300 },
      { exitHooks: false },
    );
    for (let n = 0; n < 50; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'hang'));
    for (let n = 50; n < 110; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    expect(c.stats()).toMatchObject({ buffered: 10, inFlight: 100 });
    await c.close();
    const spooled = readFileSync(path, 'utf8').trim().split('\n').map((l) => mustSeq((JSON.parse(l) as { text: string }).text));
    expect(spooled).toEqual(range(0, 110));
  });

  it('with two sessions, a lane that starts retrying gives its next batch back, and the idle lane sends it', async () => {
    const emu = await res.emulator();
    // Lane 0's first request (A) hangs until the client's timeout, then waits 60 s to retry; lane 1's (B) is slow but answered.
    emu.faults.hangNext(1, { path: 'logs' });
    emu.faults.delayNext(1, 300, { path: 'logs' });
    const c = res.client(
      createClient(
        {
          sink: { type: 'datamix', apiKey: 'test-key', url: emu.url, sessions: 2 },
          batch: { maxEvents: 50, intervalMs: 60_000 },
          retry: { baseMs: 60_000, maxMs: 60_000, requestTimeoutMs: 500 },
          exitTimeoutMs: 500,
        },
        { exitHooks: false },
      ),
    );
    for (let n = 0; n < 50; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'hang'));
    for (let n = 50; n < 100; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'delay'));
    for (let n = 100; n < 150; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n }); // C: taken as a busy lane's next
    // B and C arrive while A waits out its 60 s backoff.
    await emu.waitFor(() => c.stats().delivered === 100, 10_000);
    const seqs = emu.datamix.records.map((r) => mustSeq(r.message)).sort((a, b) => a - b);
    expect(seqs).toEqual(range(50, 150));
    expect(c.stats()).toMatchObject({ buffered: 0, inFlight: 50, retries: 1 });
  });

  it('a body prepared before the server clock is known is judged again by it (records 11 min old on the server, restamped)', async () => {
    const emu = await res.emulator({ clockOffsetMs: 3 * MINUTE });
    emu.faults.delayNext(1, 300, { path: 'sessions' });
    const c = res.client(
      createClient(
        { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { maxEvents: 50, intervalMs: 60_000 }, stale: 'restamp' },
        { exitHooks: false },
      ),
    );
    const old = Date.now() - 8 * MINUTE; // 8 min old here, 11 min on the server's clock
    for (let n = 0; n < 100; n++) c.log({ level: 'info', time: old, msg: 'r', n });
    await c.flush();
    expect(c.stats()).toMatchObject({ delivered: 100, rejected: 0, restamped: 100 });
    expect(emu.datamix.records.map((r) => mustSeq(r.message))).toEqual(range(0, 100));
    expect(emu.violations).toEqual([]);
  });

  it('log() never throws, and nothing is lost, when a prepared batch holds a time no Date can hold (restamped with the number)', async () => {
    const emu = await res.emulator();
    emu.faults.delayNext(1, 300, { path: 'logs' });
    const c = res.client(
      createClient({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { maxEvents: 5, intervalMs: 60_000 }, stale: 'restamp' }, { exitHooks: false }),
    );
    for (let n = 0; n < 5; n++) c.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'delay'));
    expect(() => {
      for (let n = 5; n < 10; n++) c.log({ level: 'info', time: n === 9 ? 1e20 : Date.now(), msg: 'r', n });
    }).not.toThrow();
    await c.flush();
    expect(c.stats()).toMatchObject({ delivered: 10, dropped: 0, restamped: 1 });
    const last = emu.datamix.records.at(-1);
    expect(last?.message).toMatch(/^\[original time 100000000000000000000\] r /);
  });
});
