/**
 * replaySpool is resumable: a replay interrupted by an outage reports
 * `incomplete`, and the next replay continues where it stopped without
 * re-sending what the server acknowledged: over both runs every record
 * arrives exactly once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, replaySpool } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { API_KEY, datamixOptions, duplicatesOf, FAST_RETRY, head, missingOf, readSpoolFile, receivedSeqs, seqOf, useResources, violationsExcept } from './support.js';

const COUNT = 10_000;
const res = useResources();

/** Writes COUNT records to a spool through a real client that cannot reach the server. */
async function makeSpool(emu: Emulator): Promise<string> {
  const path = join(res.tmpDir(), 'spool.ndjson');
  emu.faults.down(60_000);
  const client = createClient(datamixOptions(emu, { spool: { path }, retry: { ...FAST_RETRY, maxElapsedMs: 0 } }), { exitHooks: false });
  for (let n = 0; n < COUNT; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
  await client.close();
  expect(client.stats()).toMatchObject({ logged: COUNT, spooled: COUNT, delivered: 0, dropped: 0 });
  const spool = readSpoolFile(path);
  expect(spool.lines).toHaveLength(COUNT);
  expect(head(missingOf(spool.entries.map((e) => seqOf(e.text)), COUNT))).toBe('[]');
  emu.reset();
  return path;
}

function replayOptions(emu: Emulator, retry: Record<string, number> = { ...FAST_RETRY }): Record<string, unknown> {
  return { sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, batch: { maxEvents: 500, intervalMs: 20 }, retry };
}

describe('replaySpool resumes after an interrupted run', () => {
  it('an outage after some batches: incomplete, then a second replay completes; exactly 10,000 over both, no duplicates', async () => {
    const emu = await res.emulator();
    const path = await makeSpool(emu);
    // Slow each batch a little so the outage lands mid-replay.
    emu.faults.delayNext(20, 40, { path: 'logs' });

    const first = replaySpool({ path, ...replayOptions(emu, { ...FAST_RETRY, maxMs: 200, maxElapsedMs: 300 }) });
    await emu.waitFor(() => emu.datamix.records.length >= 2000, 60_000);
    emu.faults.clear();
    emu.faults.down(60_000);
    const r1 = await first;
    expect(r1.incomplete).toBe(true);
    expect(r1.delivered).toBeGreaterThanOrEqual(2000);
    expect(r1.delivered).toBeLessThan(COUNT);
    expect(r1.delivered).toBe(emu.datamix.records.length);
    expect(existsSync(`${path}.replaying`)).toBe(true);
    expect(existsSync(`${path}.replaying.offset`)).toBe(true);

    emu.faults.clear();
    const r2 = await replaySpool({ path, ...replayOptions(emu) });
    expect(r2).toMatchObject({ rejected: 0, skippedLines: 0, incomplete: false });
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs)), 'records sent by both replays').toBe('[]');
    expect(head(missingOf(seqs, COUNT)), 'records never received').toBe('[]');
    expect(seqs).toHaveLength(COUNT);
    expect(r1.delivered + r2.delivered).toBe(COUNT);
    expect(existsSync(`${path}.replaying`)).toBe(false);
    expect(existsSync(`${path}.replaying.offset`)).toBe(false);
    expect(violationsExcept(emu)).toEqual([]);
  });

  it('a short outage mid-replay (server back before the replay ends): a second replay re-sends nothing the server accepted', async () => {
    const emu = await res.emulator();
    const path = await makeSpool(emu);
    emu.faults.delayNext(20, 40, { path: 'logs' });

    const first = replaySpool({ path, ...replayOptions(emu, { ...FAST_RETRY, maxMs: 100, maxElapsedMs: 300 }) });
    await emu.waitFor(() => emu.datamix.records.length >= 1000, 60_000);
    emu.faults.clear();
    // Long enough for one batch to give up (maxElapsedMs 300), short enough that later batches get through.
    emu.faults.down(1200);
    const r1 = await first;
    expect(r1.incomplete).toBe(true);
    const afterFirst = emu.datamix.records.length;
    expect(r1.delivered).toBe(afterFirst);

    emu.faults.clear();
    const r2 = await replaySpool({ path, ...replayOptions(emu) });
    expect(r2).toMatchObject({ rejected: 0, skippedLines: 0, incomplete: false });
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs)), `records sent by both replays (first replay delivered ${r1.delivered}, second ${r2.delivered})`).toBe('[]');
    expect(head(missingOf(seqs, COUNT)), 'records never received').toBe('[]');
    expect(r1.delivered + r2.delivered).toBe(COUNT);
  });
});
