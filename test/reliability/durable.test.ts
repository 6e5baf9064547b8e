/**
 * The durable spool survives kill -9: an app logs 10,000 records while the
 * API is down and is killed once its worker has written them to the spool;
 * the same app started again (API up) drains them, and every record arrives
 * exactly once. Through pino, winston, createClient and the CLI.
 */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durableOptions, killWithSpooled, segmentsOf, type AppKind } from './durableSupport.js';
import { duplicatesOf, exitWithin, head, missingOf, receivedSeqs, useResources, violationsExcept } from './support.js';

const COUNT = 10_000;
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** `logferry datamix --config <config>` with an empty stdin: it only drains. */
function shipNothing(config: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'datamix', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`logferry datamix did not exit; stderr: ${stderr}`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
const res = useResources();

describe('durable spool: kill -9 with 10,000 records unsent, then start again', () => {
  for (const kind of ['pino', 'winston', 'client'] as AppKind[]) {
    it(`${kind}: all 10,000 arrive exactly once after the restart, drained, and the spool is empty after`, async () => {
      const emu = await res.emulator();
      const path = join(res.tmpDir(), 'spool', 'app.spool');
      await killWithSpooled(res, emu, kind, path, COUNT);
      expect(segmentsOf(path).length).toBeGreaterThan(0);

      const again = res.spawn('durable-child.mjs', { logger: kind, options: durableOptions(emu, path), count: 0, then: 'flush' });
      const flushed = await again.line('flushed', 120_000);
      const info = await exitWithin(again, 60_000);
      expect(info.code, again.stderr()).toBe(0);

      const seqs = receivedSeqs(emu);
      expect(head(duplicatesOf(seqs)), 'records sent twice').toBe('[]');
      expect(head(missingOf(seqs, COUNT)), 'records never received').toBe('[]');
      expect(seqs).toHaveLength(COUNT);
      if (kind !== 'pino') {
        const stats = JSON.parse(flushed.slice('flushed '.length)) as Record<string, number>;
        expect(stats).toMatchObject({ drained: COUNT, delivered: COUNT, logged: 0, dropped: 0 });
      }
      expect(segmentsOf(path), 'segments left after everything was acknowledged').toEqual([]);
      expect(readdirSync(dirname(path)), 'files left next to the spool (segments, checkpoints, locks)').toEqual([]);
      expect(violationsExcept(emu)).toEqual([]);
    }, 240_000);
  }

  it('a buffer far smaller than the backlog (64 KiB): 10,000 spilled records and 10,000 drained ones read back in turns, each exactly once', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'app.spool');
    await killWithSpooled(res, emu, 'pino', path, COUNT);
    emu.faults.down();
    const options = durableOptions(emu, path, { buffer: { maxBytes: 64 * 1024 } });
    const app = res.spawn('durable-child.mjs', { logger: 'client', options, count: COUNT, from: 100_000, then: 'flush' });
    await app.line('logged');
    // Down long enough that the new records spill too, then up: drained first, then the spilled ones.
    await emu.waitFor(() => emu.faults.injected.length >= 3, 30_000);
    emu.faults.clear();
    const line = await app.line('flushed', 120_000);
    expect((await exitWithin(app, 60_000)).code, app.stderr()).toBe(0);
    const stats = JSON.parse(line.slice('flushed '.length)) as Record<string, number>;
    expect(stats).toMatchObject({ drained: COUNT, logged: COUNT, journaled: COUNT, delivered: 2 * COUNT, dropped: 0, spooled: 0, spilled: 0 });
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs))).toBe('[]');
    expect(head([...missingOf(seqs, COUNT), ...missingOf(seqs, COUNT, 100_000)])).toBe('[]');
    expect(seqs).toHaveLength(2 * COUNT);
    // Oldest first: everything drained arrived before this process's own records.
    const firstOwn = seqs.findIndex((n) => n >= 100_000);
    expect(Math.max(...seqs.slice(firstOwn).filter((n) => n < 100_000).concat([-1]))).toBe(-1);
    expect(readdirSync(dirname(path))).toEqual([]);
  }, 240_000);

  it('the CLI (logferry datamix) drains what a killed pino app left, exactly once', async () => {
    const emu = await res.emulator();
    const dir = res.tmpDir();
    const path = join(dir, 'app.spool');
    await killWithSpooled(res, emu, 'pino', path, COUNT);
    const config = join(dir, 'logferry.json');
    writeFileSync(config, JSON.stringify(durableOptions(emu, path)));
    const result = await shipNothing(config);
    expect(result.code, result.stderr).toBe(0);
    const seqs = receivedSeqs(emu);
    expect(head(duplicatesOf(seqs))).toBe('[]');
    expect(head(missingOf(seqs, COUNT))).toBe('[]');
    expect(seqs).toHaveLength(COUNT);
    expect(readdirSync(dir).sort()).toEqual(['logferry.json']);
  }, 240_000);
});
