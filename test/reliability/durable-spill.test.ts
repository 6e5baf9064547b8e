/**
 * The durable spool's read-back while the buffer is full: a record read back
 * from the segment that finds no room waits in memory ("peeked") until there
 * is. It must stay counted (as spooled, at a close that leaves it on disk) and
 * must keep flush() waiting, even when newer records spill behind it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { durableOptions, until } from './durableSupport.js';
import { duplicatesOf, head, missingOf, receivedSeqs, useResources } from './support.js';

const res = useResources();
const PAD = 'x'.repeat(200);

function spillingClient(emu: Emulator, path: string): Client {
  return createClient(
    { ...durableOptions(emu, path), buffer: { maxBytes: 64 * 1024 }, sink: { type: 'datamix', apiKey: 'test-key', url: emu.url, sessions: 1 }, exitTimeoutMs: 1000 },
    { exitHooks: false, onError: () => undefined },
  );
}

/** With the API down: logs until one record waits on disk, then waits until it was read back and found no room. */
async function onePeeked(client: Client): Promise<number> {
  let n = 0;
  // A first batch, which the session takes and retries: the buffer behind it fills and stays full.
  for (; n < 10; n++) client.log({ level: 'info', msg: 'r', n, pad: PAD });
  await until(() => client.stats().failedRequests >= 1, 'a failed request', 30_000);
  while (client.stats().spilled === 0) client.log({ level: 'info', msg: 'r', n: n++, pad: PAD });
  expect(client.stats().spilled).toBe(1);
  // A failed attempt reads it back; the buffer is full, so it waits in memory.
  await until(() => client.stats().spilled === 0, 'the spilled record read back', 30_000);
  return n;
}

describe('durable spool: a record read back that waits for room', () => {
  it('is counted as spooled when close() leaves it on disk, and the next start delivers it once', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    emu.faults.down();
    const client = spillingClient(emu, path);
    const logged = await onePeeked(client);
    await client.close();
    const stats = client.stats();
    expect(stats.logged).toBe(logged);
    expect(stats.delivered + stats.spooled + stats.dropped, JSON.stringify(stats)).toBe(logged);
    expect(stats.spooled).toBe(logged);

    emu.faults.clear();
    const again = res.client(spillingClient(emu, path));
    await again.flush();
    await again.close();
    expect(again.stats()).toMatchObject({ drained: logged, delivered: logged, dropped: 0 });
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs))).toBe('[]');
    expect(head(missingOf(seqs, logged))).toBe('[]');
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 90_000);

  it('keeps flush() waiting when newer records spill behind it: flush resolves only once it was delivered', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    emu.faults.down();
    const client = res.client(spillingClient(emu, path));
    const logged = await onePeeked(client);
    const flushed = client.flush();
    // Newer records: they spill behind the one waiting in memory.
    for (let n = logged; n < logged + 50; n++) client.log({ level: 'info', msg: 'r', n, pad: PAD });
    emu.faults.clear();
    await flushed;
    const seqs = receivedSeqs(emu);
    expect(head(missingOf(seqs, logged)), 'records logged before flush() and not delivered when it resolved').toBe('[]');
    await client.flush();
    expect(head(duplicatesOf(receivedSeqs(emu)))).toBe('[]');
    expect(head(missingOf(receivedSeqs(emu), logged + 50))).toBe('[]');
  }, 90_000);
});
