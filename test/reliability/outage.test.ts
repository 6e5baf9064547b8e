/**
 * Fault matrix, row f: an outage that lasts while 20,000 records are logged,
 * with a 4 MiB buffer. Memory stays bounded, the overflow is counted, and the
 * pipeline recovers on its own afterwards.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type LogferryError } from '@logferry/core';
import { datamixOptions, duplicatesOf, head, missingOf, receivedSeqs, rssMb, tick, useResources, violationsExcept } from './support.js';

const TOTAL = 20_000;
const CHUNK = 1000;
const PAD = 'x'.repeat(400);
const res = useResources();

describe('fault matrix: an outage while 20,000 records are logged, with a 4 MiB buffer', () => {
  it('f. overflow is counted as dropped, memory stays bounded, and records flow again after recovery', async () => {
    const emu = await res.emulator();
    const errors: LogferryError[] = [];
    const client = res.client(
      createClient(datamixOptions(emu, { buffer: { maxBytes: 4 * 1024 * 1024 } }), { onError: (e) => errors.push(e), exitHooks: false }),
    );
    global.gc?.();
    const rssBefore = rssMb();
    // The server is down for as long as the records are logged (a condition, not a 10 s window a busy machine
    // could outlast), then comes back.
    emu.faults.down();

    // ~470 bytes a record: 20,000 of them (~9 MB) cannot all fit in 4 MiB.
    let peakRss = rssBefore;
    for (let n = 0; n < TOTAL; n++) {
      client.log({ level: 'info', time: Date.now(), msg: 'r', n, pad: PAD });
      if ((n + 1) % CHUNK === 0) {
        peakRss = Math.max(peakRss, rssMb());
        // Spread the logging over time (this does not wait for delivery): batches leave and are refused meanwhile.
        await tick(200);
      }
    }
    const during = client.stats();
    expect(during.bufferedBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(during.delivered).toBe(0);
    expect(emu.faults.injected.some((f) => f.kind === 'down'), 'requests met the outage').toBe(true);
    emu.faults.down(0);

    await client.flush();
    peakRss = Math.max(peakRss, rssMb());
    const stats = client.stats();
    expect(stats.logged).toBe(TOTAL);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.droppedReasons).toEqual({ overflow: stats.dropped });
    expect(stats.spooled).toBe(0);
    expect(stats.delivered + stats.dropped, JSON.stringify(stats)).toBe(TOTAL);
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs)), 'records received twice').toBe('[]');
    expect(seqs).toHaveLength(stats.delivered);
    // drop-oldest: what survived is the batch that was in flight when the outage began (the oldest
    // records, held by the lane) and the newest records: one gap at most in the sorted sequence.
    const sorted = [...seqs].sort((a, b) => a - b);
    const gaps = sorted.filter((n, i) => i > 0 && n !== (sorted[i - 1] as number) + 1);
    expect(gaps.length, `gaps in delivered records at ${head(gaps)}`).toBeLessThanOrEqual(1);
    expect(sorted[sorted.length - 1]).toBe(TOTAL - 1);
    expect(errors.some((e) => e.code === 'LOGFERRY_DROPPED')).toBe(true);

    // After recovery new records keep flowing.
    for (let n = TOTAL; n < TOTAL + 100; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await client.flush();
    const after = receivedSeqs(emu);
    expect(head(missingOf(after, 100, TOTAL)), 'records logged after recovery').toBe('[]');
    expect(head(duplicatesOf(after))).toBe('[]');
    expect(client.stats().delivered).toBe(stats.delivered + 100);
    expect(violationsExcept(emu)).toEqual([]);

    // A sanity bound (the buffer is 4 MiB): not a speed assertion.
    expect(peakRss - rssBefore, `RSS grew from ${rssBefore.toFixed(0)} MB to a peak of ${peakRss.toFixed(0)} MB`).toBeLessThan(200);
  });
});
