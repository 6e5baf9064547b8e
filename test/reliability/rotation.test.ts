/**
 * Key rotation without a restart: the key comes from a file (a mounted
 * secret), the server starts refusing key A and accepts key B, and the file
 * is rewritten from A to B while records flow. Everything arrives exactly
 * once, the file is read again at most every 30 s while the key is refused,
 * one clear error says so, and no key appears in any output.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type LogferryError } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { duplicatesOf, head, missingOf, receivedSeqs, seqOf, useResources, violationsExcept } from './support.js';

const res = useResources();
const KEY_A = 'rotation-key-A-0123456789';
const KEY_B = 'rotation-key-B-9876543210';
const PARTS = { system: 's', application: 'a', environment: 'e' };
const COUNT = 3000;

/** Rewrites the key file the way a platform does: a new file renamed over the old one. */
function rotate(path: string, key: string): void {
  writeFileSync(`${path}.new`, `${key}\n`);
  renameSync(`${path}.new`, path);
}

function keyFile(key: string): string {
  const path = join(res.tmpDir(), 'datamix-key');
  writeFileSync(path, `${key}\n`);
  return path;
}

async function rotatingEmulator(): Promise<Emulator> {
  return res.emulator({ datamix: { keys: { [KEY_A]: PARTS, [KEY_B]: PARTS } }, initialState: { clientKeys: [KEY_A, KEY_B] } });
}

function expectExactlyOnce(seqs: readonly number[]): void {
  expect(head(duplicatesOf(seqs)), 'records received twice').toBe('[]');
  expect(head(missingOf(seqs, COUNT)), 'records never received').toBe('[]');
  expect(seqs).toHaveLength(COUNT);
}

function expectNoKey(...outputs: string[]): void {
  for (const out of outputs) {
    expect(out).not.toContain(KEY_A);
    expect(out).not.toContain(KEY_B);
  }
}

const sessionRefusals = (emu: Emulator): number => emu.datamix.requests.filter((r) => r.path.endsWith('/sessions') && r.status === 401).length;

describe.each(['pino', 'winston'] as const)('%s, sink.apiKeyFile', (logger) => {
  it('the file is rewritten A→B, then Datamix revokes A mid-stream: the new key is read at once, everything arrives exactly once', async () => {
    const emu = await rotatingEmulator();
    const path = keyFile(KEY_A);
    const child = res.spawn('rotation-child.mjs', {
      logger,
      count: COUNT,
      perTick: 10,
      options: { sink: { type: 'datamix', apiKeyFile: path, url: emu.url }, batch: { maxEvents: 100, intervalMs: 20 } },
    });
    await emu.waitFor(() => emu.datamix.received >= 300, 60_000);
    rotate(path, KEY_B);
    emu.faults.refuseKey(KEY_A);
    await emu.waitFor(() => emu.datamix.received >= COUNT, 90_000);
    await child.line('logged');
    expectExactlyOnce(receivedSeqs(emu));
    // The revoked session was refused, and the new key was taken at once: no error reported.
    expect(emu.datamix.requests.some((r) => r.status === 401)).toBe(true);
    expect(child.stderr()).toBe('');
    expect(violationsExcept(emu)).toEqual([]);
    expectNoKey(child.stdout(), child.stderr(), JSON.stringify(emu.violations));
  });
});

describe('pino, sink.apiKeyFile, the key revoked before the file is rewritten', () => {
  it('records wait while the key is refused, the file is read again within 30 s (not more often), one error without the key, all arrive once', async () => {
    const emu = await rotatingEmulator();
    const path = keyFile(KEY_A);
    const child = res.spawn('rotation-child.mjs', {
      logger: 'pino',
      count: COUNT,
      perTick: 5,
      options: { sink: { type: 'datamix', apiKeyFile: path, url: emu.url }, batch: { maxEvents: 100, intervalMs: 20 } },
    });
    await emu.waitFor(() => emu.datamix.received >= 200, 60_000);
    emu.faults.refuseKey(KEY_A);
    // The server refuses A (the revoked session, then a new session with A), the file is read (still A) and the
    // refusal reported: only then does the file change, so the next read is the one 30 s later.
    await emu.waitFor(() => child.stderr().includes('LOGFERRY_AUTH_FAILED'), 30_000);
    expect(sessionRefusals(emu)).toBe(1);
    const before = emu.datamix.received;
    rotate(path, KEY_B);
    await emu.waitFor(() => emu.datamix.received >= COUNT, 120_000);
    await child.line('logged');
    expect(emu.datamix.received).toBeGreaterThan(before);
    expectExactlyOnce(receivedSeqs(emu));
    // Read at most every 30 s while refused: the first refusal read the file (still A), the next read found B.
    expect(sessionRefusals(emu)).toBeLessThanOrEqual(2);
    const authLines = child.stderr().split('\n').filter((l) => l.includes('LOGFERRY_AUTH_FAILED'));
    expect(authLines, child.stderr()).toHaveLength(1);
    expect(authLines[0]).toMatch(/Datamix refused the key from sink\.apiKeyFile \(HTTP 401\); watching the file: it is read again .* at most every 30 s/);
    expect(authLines[0]).toContain('records wait in the buffer, then the spool');
    expectNoKey(child.stdout(), child.stderr());
  }, 180_000);
});

describe('createClient, Initial State, sink.clientKeyFile', () => {
  it('the client key file is rewritten A→B and A is revoked: the bucket is made again with B, everything arrives exactly once', async () => {
    const emu = await rotatingEmulator();
    const path = keyFile(KEY_A);
    const errors: LogferryError[] = [];
    const client = res.client(
      createClient(
        {
          sink: { type: 'initialstate', clientKeyFile: path, bucketName: 'rotation', apiUrl: emu.url, eventsUrl: emu.url, requestsPerSecond: 1000 },
          batch: { maxEvents: 100, intervalMs: 20 },
        },
        { onError: (e) => errors.push(e) },
      ),
    );
    for (let n = 0; n < COUNT / 2; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await client.flush();
    rotate(path, KEY_B);
    emu.faults.refuseKey(KEY_A);
    for (let n = COUNT / 2; n < COUNT; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await client.flush();
    const seqs = emu.initialState.events.filter((e) => e.sn === 'log').map((e) => seqOf(String(e.v)));
    expectExactlyOnce(seqs);
    expect(emu.initialState.requests.some((r) => r.status === 401)).toBe(true);
    expect(client.stats()).toMatchObject({ delivered: COUNT, dropped: 0 });
    expect(violationsExcept(emu)).toEqual([]);
    expectNoKey(JSON.stringify(errors.map((e) => e.message)), JSON.stringify(client.stats()));
  });
});

describe('createClient, Initial State Events API, sink.accessKeyFile', () => {
  it('the access key file is rewritten A→B and A is revoked: the bucket is made again with B, everything arrives exactly once', async () => {
    const count = 400;
    const emu = await res.emulator({ initialStateEvents: { accessKeys: [KEY_A, KEY_B], rateLimit: false } });
    const path = keyFile(KEY_A);
    const errors: LogferryError[] = [];
    const client = res.client(
      createClient(
        {
          sink: { type: 'initialstate', api: 'events', accessKeyFile: path, bucketKey: 'rotation', apiUrl: `${emu.url}/api`, requestsPerSecond: 1000 },
          batch: { intervalMs: 20 },
        },
        { onError: (e) => errors.push(e) },
      ),
    );
    for (let n = 0; n < count / 2; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await client.flush();
    rotate(path, KEY_B);
    emu.faults.refuseKey(KEY_A);
    for (let n = count / 2; n < count; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
    await client.flush();
    const seqs = emu.initialStateEvents.eventsIn('rotation').map((e) => seqOf(String(e.value)));
    expect(head(duplicatesOf(seqs)), 'records received twice').toBe('[]');
    expect(head(missingOf(seqs, count)), 'records never received').toBe('[]');
    expect(emu.initialStateEvents.requests.some((r) => r.status === 401)).toBe(true);
    // The emulator keeps each access key's buckets apart: the bucket was made once with A and once with B.
    expect(emu.initialStateEvents.bucketCreations).toBe(2);
    expect(client.stats()).toMatchObject({ delivered: count, dropped: 0 });
    expect(violationsExcept(emu)).toEqual([]);
    expectNoKey(JSON.stringify(errors.map((e) => e.message)), JSON.stringify(client.stats()));
  });
});
