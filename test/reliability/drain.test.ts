/**
 * The drain on start: a process killed with -9 during the drain itself
 * re-sends nothing the API acknowledged; two processes started on one spool
 * path do not both drain it (the second says so once and delivers its own
 * records); and the default mode's spool file is drained on start too.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '@logferry/core';
import { durableOptions, killWhileHung, killWithSpooled, segmentsOf, until } from './durableSupport.js';
import { duplicatesOf, exitWithin, head, missingOf, receivedSeqs, useResources, violationsExcept } from './support.js';

const COUNT = 10_000;
const res = useResources();

const DRAINED_BY_OTHER = 'is being drained by another process';

/** The pid of a lock's holder (the one file in the lock directory), if it is there and readable. */
function lockPid(lock: string): number | undefined {
  try {
    const [holder] = readdirSync(lock);
    return holder === undefined ? undefined : (JSON.parse(readFileSync(join(lock, holder), 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined;
  }
}

/** Of 0..count-1 plus the given extra ranges: what is missing or twice in what the emulator received. */
function onceReport(seqs: number[], ranges: [from: number, count: number][]): { duplicates: string; missing: string; total: number } {
  const missing = ranges.flatMap(([from, count]) => missingOf(seqs, count, from));
  return { duplicates: head(duplicatesOf(seqs)), missing: head(missing), total: ranges.reduce((n, [, count]) => n + count, 0) };
}

describe('drain on start', () => {
  it('kill -9 during the drain (no request unanswered at the kill): the next start sends the rest, none twice, none lost', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    await killWithSpooled(res, emu, 'pino', path, COUNT);

    // One session, so one request at a time: once a request hangs, every earlier answer was read (and checkpointed).
    const options = durableOptions(emu, path, { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url, sessions: 1 } });
    emu.faults.delayNext(1000, 30, { path: 'logs' });
    const draining = res.spawn('durable-child.mjs', { logger: 'pino', options, count: 0, then: 'wait' });
    const first = await killWhileHung(emu, draining);
    expect(first).toBeGreaterThanOrEqual(3000);
    expect(first).toBeLessThan(COUNT);

    const again = res.spawn('durable-child.mjs', { logger: 'pino', options, count: 0, then: 'flush' });
    await again.line('flushed', 120_000);
    expect((await exitWithin(again, 60_000)).code, again.stderr()).toBe(0);
    const report = onceReport(receivedSeqs(emu), [[0, COUNT]]);
    expect(report.duplicates, 'records sent by both drains').toBe('[]');
    expect(report.missing, 'records never received').toBe('[]');
    expect(emu.datamix.received).toBe(COUNT);
    expect(readdirSync(join(path, '..'))).toEqual([]);
    expect(violationsExcept(emu)).toEqual([]);
  }, 240_000);

  it('two processes on one spool path: one drains, the other says so once and delivers its own; the union arrives exactly once', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    await killWithSpooled(res, emu, 'pino', path, COUNT);

    const options = durableOptions(emu, path);
    // The first stays (holding the lock) until the second has its client.
    const bStarted = join(res.tmpDir(), 'b-started');
    const a = res.spawn('durable-child.mjs', { logger: 'client', options, count: 2000, from: 100_000, then: 'flush', awaitFile: bStarted });
    // The second starts once the first holds the drain lock, so which one drains is known.
    // (The killed app's lock is still there, stale: wait for the first one's own.)
    await until(() => lockPid(`${path}.lock`) === a.child.pid, 'the first process to take the lock');
    const b = res.spawn('durable-child.mjs', { logger: 'client', options, count: 2000, from: 200_000, then: 'flush', touch: bStarted });
    const [aLine, bLine] = await Promise.all([a.line('flushed', 120_000), b.line('flushed', 120_000)]);
    expect((await exitWithin(a, 60_000)).code, a.stderr()).toBe(0);
    expect((await exitWithin(b, 60_000)).code, b.stderr()).toBe(0);

    const aStats = JSON.parse(aLine.slice('flushed '.length)) as Record<string, number>;
    const bStats = JSON.parse(bLine.slice('flushed '.length)) as Record<string, number>;
    expect(aStats).toMatchObject({ drained: COUNT, logged: 2000, journaled: 2000, delivered: COUNT + 2000, dropped: 0 });
    expect(bStats).toMatchObject({ drained: 0, logged: 2000, journaled: 2000, delivered: 2000, dropped: 0 });
    expect(a.stderr()).not.toContain(DRAINED_BY_OTHER);
    expect(b.stderr().split(DRAINED_BY_OTHER).length - 1, b.stderr()).toBe(1);

    const report = onceReport(receivedSeqs(emu), [[0, COUNT], [100_000, 2000], [200_000, 2000]]);
    expect(report.duplicates).toBe('[]');
    expect(report.missing).toBe('[]');
    expect(emu.datamix.received).toBe(report.total);
    expect(segmentsOf(path)).toEqual([]);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 240_000);

  it('two processes started at the same moment on a spool a killed process left: one takes the stale lock and drains, the other says so; the union arrives exactly once', async () => {
    const emu = await res.emulator();
    const dir = res.tmpDir();
    const path = join(dir, 'spool', 'app.spool');
    await killWithSpooled(res, emu, 'pino', path, COUNT);
    expect(existsSync(`${path}.lock`), 'the killed app left its (stale) lock').toBe(true);

    const options = durableOptions(emu, path);
    const go = join(dir, 'go');
    const a = res.spawn('durable-child.mjs', { logger: 'client', options, count: 2000, from: 100_000, then: 'flush', startFile: go });
    const b = res.spawn('durable-child.mjs', { logger: 'client', options, count: 2000, from: 200_000, then: 'flush', startFile: go });
    await Promise.all([a.line('ready'), b.line('ready')]);
    writeFileSync(go, '');
    const [aLine, bLine] = await Promise.all([a.line('flushed', 120_000), b.line('flushed', 120_000)]);
    expect((await exitWithin(a, 60_000)).code, a.stderr()).toBe(0);
    expect((await exitWithin(b, 60_000)).code, b.stderr()).toBe(0);

    const stats = [aLine, bLine].map((line) => JSON.parse(line.slice('flushed '.length)) as Record<string, number>);
    expect(stats.map((s) => s.drained).sort((x, y) => (x ?? 0) - (y ?? 0)), 'drained by each').toEqual([0, COUNT]);
    const told = [a, b].map((p) => p.stderr().split(DRAINED_BY_OTHER).length - 1);
    expect(told.sort(), `${a.stderr()} / ${b.stderr()}`).toEqual([0, 1]);
    const report = onceReport(receivedSeqs(emu), [[0, COUNT], [100_000, 2000], [200_000, 2000]]);
    expect(report.duplicates, 'records sent by both').toBe('[]');
    expect(report.missing).toBe('[]');
    expect(emu.datamix.received).toBe(report.total);
    expect(readdirSync(join(path, '..'))).toEqual([]);
    expect(violationsExcept(emu)).toEqual([]);
  }, 240_000);

  it('default mode: what a process could not deliver (its spool file) is drained by the next start', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    const options = { ...durableOptions(emu, path), spool: { path }, retry: { baseMs: 50, maxMs: 200, maxElapsedMs: 0 } };
    emu.faults.down();
    const first = res.spawn('durable-child.mjs', { logger: 'pino', options, count: 2000, then: 'flush' });
    await first.line('flushed', 60_000);
    expect((await exitWithin(first, 60_000)).code).toBe(0);
    emu.faults.clear();
    expect(emu.datamix.received).toBe(0);
    expect(readdirSync(join(path, '..'))).toEqual(['app.spool']);

    const again = res.spawn('durable-child.mjs', { logger: 'winston', options, count: 0, then: 'flush' });
    const line = await again.line('flushed', 60_000);
    expect((await exitWithin(again, 60_000)).code, again.stderr()).toBe(0);
    expect(JSON.parse(line.slice('flushed '.length))).toMatchObject({ drained: 2000, delivered: 2000, dropped: 0 });
    const report = onceReport(receivedSeqs(emu), [[0, 2000]]);
    expect(report.duplicates).toBe('[]');
    expect(report.missing).toBe('[]');
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 240_000);

  it('records now outside Datamix\'s window are re-stamped (their original time kept in the text), the others sent as they were', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    const now = Date.now();
    const old = now - 30 * 60_000;
    const lines = [];
    for (let n = 0; n < 100; n++) lines.push(JSON.stringify({ time: n < 50 ? old : now - 1000, level: 'info', text: `r {"n":${n}}` }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const app = res.spawn('durable-child.mjs', { logger: 'client', options: { ...durableOptions(emu, path), spool: { path } }, count: 0, then: 'flush' });
    const line = await app.line('flushed', 60_000);
    expect((await exitWithin(app, 60_000)).code, app.stderr()).toBe(0);
    expect(JSON.parse(line.slice('flushed '.length))).toMatchObject({ drained: 100, delivered: 100, restamped: 50, filtered: 0 });
    const records = emu.datamix.records;
    expect(records).toHaveLength(100);
    const iso = new Date(old).toISOString();
    for (const r of records) {
      const n = Number(/"n":(\d+)/.exec(r.message)?.[1]);
      if (n < 50) {
        expect(r.message).toBe(`[original time ${iso}] r {"n":${n}}`);
        expect(r.timestamp).toBeGreaterThanOrEqual(now - 60_000);
      } else {
        expect(r.message).toBe(`r {"n":${n}}`);
        expect(r.timestamp).toBe(now - 1000);
      }
    }
    expect(emu.datamix.rejectedTotal).toBe(0);
  }, 120_000);

  it('a refused key: flush() does not wait for the drain, the records stay in the spool, and a start with a good key delivers them once', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    const now = Date.now();
    // More than the 64 KiB buffer takes at once: some still wait in the spool when the key is refused.
    writeFileSync(path, Array.from({ length: 5000 }, (_, n) => `${JSON.stringify({ time: now, level: 'info', text: `r {"n":${n}}` })}\n`).join(''));
    const bad = createClient(
      { ...durableOptions(emu, path), buffer: { maxBytes: 64 * 1024 }, sink: { type: 'datamix', apiKey: 'not-a-key', url: emu.url }, spool: { path } },
      { exitHooks: false, onError: () => undefined },
    );
    const flushed = await Promise.race([bad.flush().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
    expect(flushed, 'flush() resolved').toBe(true);
    await bad.close();
    expect(bad.stats()).toMatchObject({ delivered: 0, logged: 0 });
    expect(emu.datamix.received).toBe(0);

    const good = createClient({ ...durableOptions(emu, path), spool: { path } }, { exitHooks: false });
    await good.flush();
    await good.close();
    expect(good.stats()).toMatchObject({ drained: 5000, delivered: 5000, dropped: 0 });
    const report = onceReport(receivedSeqs(emu), [[0, 5000]]);
    expect(report.duplicates).toBe('[]');
    expect(report.missing).toBe('[]');
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 60_000);
});
