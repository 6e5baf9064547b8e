/**
 * Helpers for the durable spool tests: where a spool's segments are, how many
 * records they hold, and an app killed with -9 while its records wait there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Emulator } from '@logferry/emulator';
import type { LogferryOptionsInput } from '@logferry/core';
import { API_KEY, FAST_RETRY, type ChildHandle, type Resources } from './support.js';

/** Options of an app with a durable spool at `path`; retries for long enough to outlive the outage. */
export function durableOptions(emu: Emulator, path: string, extra: Partial<LogferryOptionsInput> = {}): LogferryOptionsInput {
  return {
    sink: { type: 'datamix', apiKey: API_KEY, url: emu.url },
    batch: { maxEvents: 500, intervalMs: 50 },
    retry: { ...FAST_RETRY, maxElapsedMs: 600_000 },
    spool: { path, mode: 'durable' },
    ...extra,
  };
}

/** The segment files of the spool at `path` (not their checkpoints). */
export function segmentsOf(path: string): string[] {
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${basename(path)}.`) && name.endsWith('.seg'))
    .sort()
    .map((name) => join(dir, name));
}

/** Complete lines in all of the spool's segments. */
export function segmentLines(path: string): number {
  let n = 0;
  for (const file of segmentsOf(path)) {
    try {
      const text = readFileSync(file, 'utf8');
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    } catch {
      // removed meanwhile
    }
  }
  return n;
}

/** Polls `predicate` every 20 ms; rejects with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type AppKind = 'pino' | 'winston' | 'client';

/**
 * An app logs `count` records (n from `from`) while the API is down; once its
 * worker has written them all to the durable spool, it is killed with -9.
 * The emulator is up again afterwards and has received nothing.
 */
export async function killWithSpooled(res: Resources, emu: Emulator, kind: AppKind, path: string, count: number, from = 0): Promise<void> {
  emu.faults.down();
  const before = segmentLines(path);
  const app = res.spawn('durable-child.mjs', { logger: kind, options: durableOptions(emu, path), count, from, then: 'wait' });
  await app.line('logged');
  await until(() => segmentLines(path) >= before + count, `${count} records in the spool (stderr: ${app.stderr().slice(-500)})`);
  app.child.kill('SIGKILL');
  const exit = await app.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`expected the app to die of SIGKILL, got ${JSON.stringify(exit)}`);
  emu.faults.clear();
  if (emu.datamix.received !== 0) throw new Error(`the emulator received ${emu.datamix.received} records while down`);
}

/**
 * Kills a child that is sending (a drain, a replay) part-way: once 3,000
 * records have arrived, the next logs request hangs, and the child dies of -9
 * while it waits on it, so every earlier answer was read (and checkpointed).
 * Returns how many had arrived. The emulator's faults are cleared after.
 */
export async function killWhileHung(emu: Emulator, sender: ChildHandle): Promise<number> {
  await emu.waitFor(() => emu.datamix.received >= 3000, 60_000);
  emu.faults.clear();
  emu.faults.hangNext(1000, { path: 'logs' });
  await emu.waitFor(() => emu.faults.injected.some((f) => f.kind.includes('hang')), 30_000);
  sender.child.kill('SIGKILL');
  await sender.exited;
  const arrived = emu.datamix.received;
  emu.faults.clear();
  return arrived;
}
