/**
 * A replaySpool killed part-way is adopted by the next transport started on
 * the path (from the replay's offset, so nothing the API acknowledged goes
 * twice), and replaySpool takes the drain lock: it refuses, sending nothing,
 * while a transport drains the path or another process shares it.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, replaySpool, type LogferryError } from '@logferry/core';
import { durableOptions, killWhileHung } from './durableSupport.js';
import { API_KEY, duplicatesOf, exitWithin, FAST_RETRY, head, missingOf, receivedSeqs, useResources, violationsExcept } from './support.js';

const COUNT = 10_000;
const res = useResources();

/** A default mode spool file, as a process that could not deliver leaves it. */
function writeSpool(path: string, count: number): void {
  const now = Date.now();
  writeFileSync(path, Array.from({ length: count }, (_, n) => `${JSON.stringify({ time: now, level: 'info', text: `r {"n":${n}}` })}\n`).join(''));
}

describe('an interrupted replaySpool is adopted by the next transport', () => {
  for (const logger of ['client', 'pino'] as const) {
    it(`${logger}: a replay killed with -9 part-way (no request unanswered at the kill); a transport started on the path sends the rest, every record exactly once across both`, async () => {
      const emu = await res.emulator();
      const path = join(res.tmpDir(), 'app.spool');
      writeSpool(path, COUNT);
      // replaySpool sends on one session: once a request hangs, every earlier answer was read (and its offset saved).
      emu.faults.delayNext(1000, 30, { path: 'logs' });
      const replay = res.spawn('replay-child.mjs', {
        path,
        options: { sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, batch: { maxEvents: 500, intervalMs: 20 }, retry: { ...FAST_RETRY } },
      });
      const first = await killWhileHung(emu, replay);
      expect(first).toBeLessThan(COUNT);
      expect(existsSync(`${path}.replaying`)).toBe(true);
      expect(existsSync(`${path}.replaying.offset`)).toBe(true);

      // pino in durable mode, createClient in the default mode: the drain on start is the same in both.
      const options = logger === 'pino' ? durableOptions(emu, path) : { ...durableOptions(emu, path), spool: { path } };
      const app = res.spawn('durable-child.mjs', { logger, options, count: 0, then: 'flush' });
      const flushed = await app.line('flushed', 120_000);
      expect((await exitWithin(app, 60_000)).code, app.stderr()).toBe(0);
      if (logger === 'client') expect(JSON.parse(flushed.slice('flushed '.length))).toMatchObject({ drained: COUNT - first, delivered: COUNT - first, dropped: 0 });
      const seqs = receivedSeqs(emu);
      expect(head(duplicatesOf(seqs)), 'records sent by the replay and by the transport').toBe('[]');
      expect(head(missingOf(seqs, COUNT)), 'records never received').toBe('[]');
      expect(seqs).toHaveLength(COUNT);
      expect(readdirSync(join(path, '..'))).toEqual([]);
      expect(violationsExcept(emu)).toEqual([]);
    }, 240_000);
  }

  it('an offset file left without its .replaying file (a kill between the two removals) does not skip the head of the next spool file', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    writeSpool(path, 100);
    writeFileSync(`${path}.replaying.offset`, '1000000');
    const result = await replaySpool({ path, sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, retry: { ...FAST_RETRY } });
    expect(result).toMatchObject({ delivered: 100, incomplete: false });
    expect(head(missingOf(receivedSeqs(emu), 100))).toBe('[]');
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 60_000);

  it('replaySpool while a transport holds the drain lock, or while another process shares the path: LOGFERRY_SPOOL naming it, nothing sent, the file left; once they stop it replays', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    const options = { ...durableOptions(emu, path), spool: { path } };
    const drainer = res.client(createClient(options, { exitHooks: false }));
    const other = res.client(createClient(options, { exitHooks: false, onError: () => undefined }));
    writeSpool(path, 100);
    const replayOptions = { path, sink: { type: 'datamix' as const, apiKey: API_KEY, url: emu.url }, retry: { ...FAST_RETRY } };

    const held = await replaySpool(replayOptions).then(
      () => undefined,
      (error: LogferryError) => error,
    );
    expect(held?.code).toBe('LOGFERRY_SPOOL');
    expect(held?.message).toBe(
      `spool.path ${path} is being drained by another process (pid ${process.pid}), a transport started on it or another replay: that process sends these records; nothing was replayed`,
    );
    await drainer.close();
    const shared = await replaySpool(replayOptions).then(
      () => undefined,
      (error: LogferryError) => error,
    );
    expect(shared?.code).toBe('LOGFERRY_SPOOL');
    expect(shared?.message).toContain(`spool.path ${path} is in use by a running process (pid ${process.pid}), which may still write to it`);
    expect(existsSync(path), 'the file is left where it was').toBe(true);
    expect(existsSync(`${path}.replaying`)).toBe(false);
    expect(emu.datamix.received).toBe(0);

    await other.close();
    const result = await replaySpool(replayOptions);
    expect(result).toMatchObject({ delivered: 100, incomplete: false });
    expect(head(missingOf(receivedSeqs(emu), 100))).toBe('[]');
    expect(emu.datamix.received).toBe(100);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  }, 60_000);
});
