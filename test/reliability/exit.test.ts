/**
 * process.exit(0) right after logging, in a child process (the emulator runs
 * here, in the test process, so a child blocked at exit cannot block the
 * server): with the server up everything arrives exactly once; with the server
 * down everything lands in the spool, and replaySpool delivers it exactly once.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaySpool } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import {
  API_KEY,
  duplicatesOf,
  exitWithin,
  FAST_RETRY,
  head,
  missingOf,
  readSpoolFile,
  receivedSeqs,
  seqOf,
  useResources,
  violationsExcept,
  type ChildHandle,
} from './support.js';

const COUNT = 10_000;
const res = useResources();

const LOGGERS = [
  { name: 'pino', fixture: 'pino-child.mjs' },
  { name: 'winston', fixture: 'winston-child.mjs' },
] as const;

function childOptions(emu: Emulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, retry: { ...FAST_RETRY }, ...extra };
}

/** Exit code 0, and how long the child took from calling process.exit to being reaped. */
async function expectCleanExit(child: ChildHandle, boundMs: number): Promise<number> {
  const exiting = await child.line('exiting ', 60_000);
  const info = await exitWithin(child, 60_000);
  expect(info, `stderr: ${child.stderr().slice(-2000)}`).toMatchObject({ code: 0, signal: null });
  const took = info.at - Number(exiting.slice('exiting '.length));
  expect(took, `exit took ${took} ms`).toBeLessThan(boundMs);
  return took;
}

function expectExactlyOnce(seqs: readonly number[], total: number): void {
  expect(head(duplicatesOf(seqs)), 'records received twice').toBe('[]');
  expect(head(missingOf(seqs, total)), 'records never received').toBe('[]');
  expect(seqs).toHaveLength(total);
}

/** Spawns a child that logs COUNT records and exits while the server is down; returns its spool path. */
async function spoolThroughOutage(emu: Emulator, fixture: string): Promise<string> {
  const dir = res.tmpDir();
  const path = join(dir, 'spool.ndjson');
  emu.faults.down(60_000);
  const child = res.spawn(fixture, { options: childOptions(emu, { spool: { path } }), count: COUNT, mode: 'exit' });
  // The default exit deadline is 8 s; the child must be gone well within 15 s of calling process.exit.
  await expectCleanExit(child, 15_000);
  expect(emu.datamix.records).toHaveLength(0);

  const spool = readSpoolFile(path);
  expect(spool.raw).not.toContain(API_KEY);
  expect(spool.lines).toHaveLength(COUNT);
  for (const entry of spool.entries) {
    expect(typeof entry.time).toBe('number');
    expect(entry.level).toBe('info');
    expect(typeof entry.text).toBe('string');
  }
  const spooled = spool.entries.map((e) => seqOf(e.text));
  expect(head(duplicatesOf(spooled))).toBe('[]');
  expect(head(missingOf(spooled, COUNT))).toBe('[]');
  emu.faults.clear();
  return path;
}

describe('process.exit(0) right after logging 10,000 records', () => {
  for (const logger of LOGGERS) {
    it(`${logger.name}: all 10,000 arrive exactly once and the child exits 0`, async () => {
      const emu = await res.emulator();
      const child = res.spawn(logger.fixture, { options: childOptions(emu), count: COUNT, mode: 'exit' });
      await expectCleanExit(child, 15_000);
      expectExactlyOnce(receivedSeqs(emu), COUNT);
      expect(violationsExcept(emu)).toEqual([]);
    });
  }
});

describe('process.exit(0) with the server down and a spool', () => {
  it('pino: all 10,000 spooled; a torn last line is skipped; replay delivers exactly 10,000', async () => {
    const emu = await res.emulator();
    const path = await spoolThroughOutage(emu, 'pino-child.mjs');
    // A crash mid-write leaves half a line at the end.
    appendFileSync(path, '{"time":1700000000000,"level":"info","te');

    const result = await replaySpool({ path, sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, retry: { ...FAST_RETRY } });
    expect(result).toMatchObject({ delivered: COUNT, rejected: 0, skippedLines: 1, incomplete: false });
    expectExactlyOnce(receivedSeqs(emu), COUNT);
    expect(violationsExcept(emu)).toEqual([]);
  });

  it('winston: all 10,000 spooled; replay delivers exactly 10,000', async () => {
    const emu = await res.emulator();
    const path = await spoolThroughOutage(emu, 'winston-child.mjs');
    const result = await replaySpool({ path, sink: { type: 'datamix', apiKey: API_KEY, url: emu.url }, retry: { ...FAST_RETRY } });
    expect(result).toMatchObject({ delivered: COUNT, rejected: 0, skippedLines: 0, incomplete: false });
    expectExactlyOnce(receivedSeqs(emu), COUNT);
    expect(violationsExcept(emu)).toEqual([]);
  });
});
