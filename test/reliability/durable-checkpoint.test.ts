/**
 * The durable spool's pure parts: the checkpoint (what of a segment was
 * acknowledged, as a prefix plus ranges) for any order of acknowledgements,
 * saved and loaded; the lock (stale when its process is gone); and the line
 * reader over a file that grows and ends in a torn line.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolCheckpoint } from '../../packages/core/src/node/spoolCheckpoint.js';
import { lockHeld, SpoolLock } from '../../packages/core/src/node/spoolLock.js';
import { LineReader } from '../../packages/core/src/node/spoolSegments.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-checkpoint-'));
  dirs.push(dir);
  return dir;
}

const SEED = Number(process.env.FUZZ_SEED ?? 22);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

describe('SpoolCheckpoint', () => {
  it('any set of lines acknowledged in any batches and order: exactly those are acknowledged, after a save and a load too; the file stays small', () => {
    const dir = tmp();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.nat(299), fc.integer({ min: 1, max: 40 })), { maxLength: 40 }),
        (lines, batches) => {
          const path = join(dir, 'seg.ack');
          rmSync(path, { force: true });
          const checkpoint = new SpoolCheckpoint(path);
          const acked = new Set<number>();
          for (const [start, length] of batches) {
            const batch = [];
            for (let o = start; o < Math.min(lines, start + length); o++) {
              batch.push({ ordinal: o, end: (o + 1) * 10 });
              acked.add(o);
            }
            checkpoint.acknowledge(batch.reverse());
            checkpoint.save();
          }
          const loaded = SpoolCheckpoint.load(path);
          for (const c of [checkpoint, loaded]) {
            for (let o = 0; o < lines; o++) expect(c.isAcknowledged(o), `line ${o}`).toBe(acked.has(o));
            let prefix = 0;
            while (acked.has(prefix)) prefix++;
            expect(c.prefix).toBe(prefix);
            expect(c.prefixEnd).toBe(prefix * 10);
            expect(c.covers(lines)).toBe(prefix >= lines);
          }
          if (existsSync(path)) expect(readFileSync(path, 'utf8').length).toBeLessThan(64 + batches.length * 40);
          expect(existsSync(`${path}.tmp`)).toBe(false);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a missing or unreadable checkpoint means nothing acknowledged (the segment is sent again, never skipped)', () => {
    const dir = tmp();
    expect(SpoolCheckpoint.load(join(dir, 'none.ack')).prefix).toBe(0);
    writeFileSync(join(dir, 'bad.ack'), '{"v":1,"prefix":');
    const bad = SpoolCheckpoint.load(join(dir, 'bad.ack'));
    expect(bad.prefix).toBe(0);
    expect(bad.isAcknowledged(0)).toBe(false);
  });
});

describe('SpoolLock', () => {
  it('a second taker is told who holds it; a lock whose process is gone is taken over; release frees it', () => {
    const path = join(tmp(), 'x.lock');
    const first = SpoolLock.acquire(path, 'a');
    expect(first).toBeInstanceOf(SpoolLock);
    expect(SpoolLock.acquire(path, 'b')).toEqual({ heldBy: process.pid });
    (first as SpoolLock).release();
    expect(lockHeld(path).held).toBe(false);
    // A dead process's lock: a pid no process can have (as a lock directory, and as an earlier version's plain file).
    mkdirSync(path);
    writeFileSync(join(path, 'dead'), JSON.stringify({ pid: 2 ** 31 - 2, id: 'dead' }));
    expect(lockHeld(path).held).toBe(false);
    const taken = SpoolLock.acquire(path, 'c');
    expect(taken).toBeInstanceOf(SpoolLock);
    expect(readdirSync(path)).toEqual(['c']);
    expect(JSON.parse(readFileSync(join(path, 'c'), 'utf8'))).toEqual({ pid: process.pid, id: 'c' });
    expect(SpoolLock.acquire(path, 'd')).toEqual({ heldBy: process.pid });
    (taken as SpoolLock).release();
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, JSON.stringify({ pid: 2 ** 31 - 2, id: 'dead' }));
    const overFile = SpoolLock.acquire(path, 'e');
    expect(overFile).toBeInstanceOf(SpoolLock);
    expect(lockHeld(path)).toEqual({ held: true, pid: process.pid });
    (overFile as SpoolLock).release();
    expect(existsSync(path)).toBe(false);
  });
});

describe('LineReader', () => {
  it('reads lines as the file grows, numbers them, and gives a torn last line (no newline) no entry, only when told it is final', () => {
    const path = join(tmp(), 'seg');
    writeFileSync(path, '{"time":1,"level":"info","text":"a"}\n');
    const reader = new LineReader(path, 0, 0);
    expect(reader.next(false)).toMatchObject({ ordinal: 0, entry: { text: 'a' } });
    expect(reader.next(false)).toBeUndefined();
    appendFileSync(path, '{"time":2,"level":"warn","text":"b"}\n{"time":3,"lev');
    expect(reader.next(false)).toMatchObject({ ordinal: 1, entry: { text: 'b', level: 'warn' } });
    expect(reader.next(false)).toBeUndefined();
    const torn = reader.next(true);
    expect(torn).toMatchObject({ ordinal: 2, entry: undefined });
    expect(torn?.end).toBe(readFileSync(path).length);
    expect(reader.next(true)).toBeUndefined();
    reader.close();
  });
});
