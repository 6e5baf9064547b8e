import { basename, dirname, join } from 'node:path';
import { SpoolCheckpoint } from './spoolCheckpoint.js';
import { lockHeld, removeLock } from './spoolLock.js';
import { toEntry, type SpoolEntry } from './spool.js';
import { builtin } from './builtin.js';

const { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } = builtin('node:fs');

/**
 * A spool's files, all next to `spool.path`:
 *   <path>                          the default mode's file (what could not be delivered)
 *   <path>.lock                     held by the process that drains (one at a time)
 *   <path>.<ts>-<proc>-<n>.seg      a segment: NDJSON spool entries, written by process <proc>
 *   <path>.<ts>-<proc>-<n>.seg.ack  its checkpoint (see SpoolCheckpoint)
 *   <path>.<proc>.live              held while process <proc> writes its segments
 *   <path>.replaying                what replaySpool is sending (the default mode's file, renamed)
 *   <path>.replaying.offset         its progress: every line before this byte is acknowledged
 * `<ts>` (13 digits, ms) and `<n>` sort segments oldest first.
 */
const SEGMENT = /^(\d{13})-([a-z0-9]+)-(\d{6})\.seg$/;

export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

export function replayingPathOf(path: string): string {
  return `${path}.replaying`;
}

export function replayOffsetPathOf(path: string): string {
  return `${replayingPathOf(path)}.offset`;
}

/** A replay's offset file: the byte before which everything is acknowledged (0 when missing or unreadable: sent again, never skipped). */
export function readReplayOffset(path: string): number {
  try {
    const value = Number(readFileSync(replayOffsetPathOf(path), 'utf8'));
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Saves a replay's offset: a temporary file renamed over it, so a kill leaves the old offset or the new one. */
export function writeReplayOffset(path: string, offset: number): void {
  const file = replayOffsetPathOf(path);
  writeFileSync(`${file}.tmp`, String(offset), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function livePathOf(path: string, proc: string): string {
  return `${path}.${proc}.live`;
}

export function segmentPath(path: string, createdAt: number, proc: string, n: number): string {
  return `${path}.${String(Math.max(0, Math.floor(createdAt))).padStart(13, '0').slice(-13)}-${proc}-${String(n).padStart(6, '0')}.seg`;
}

/** One segment file and what of it is acknowledged. */
export class Segment {
  /** Lines in the file, once known (written to the end, or read to the end). */
  lines: number | undefined;
  /** Deleted (everything in it acknowledged). */
  removed = false;
  readonly checkpoint: SpoolCheckpoint;

  constructor(
    readonly path: string,
    public bytes: number,
  ) {
    this.checkpoint = SpoolCheckpoint.load(`${path}.ack`);
  }

  /** Whether everything in it is acknowledged (so it can go). */
  done(): boolean {
    return this.lines !== undefined && this.checkpoint.covers(this.lines);
  }

  remove(): void {
    rmSync(this.path, { force: true });
    this.checkpoint.remove();
  }
}

/**
 * The pids of the live processes that share the spool at `path` (each holds
 * `<path>.<proc>.live`), but `except` (a caller's own proc id); the live locks
 * of dead ones are removed (their segments are drained like any other's).
 */
export function liveWriters(path: string, except?: string): number[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  const pids: number[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return pids;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.live') || name === `${prefix}${except ?? ''}.live`) continue;
    const file = join(dir, name);
    const state = lockHeld(file);
    if (state.held) pids.push(state.pid);
    else removeLock(file);
  }
  return pids;
}

/** Segments that earlier processes left and no live process still writes, oldest first. */
export function leftSegments(path: string): Segment[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: { name: string; key: string; proc: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = SEGMENT.exec(name.slice(prefix.length));
    if (!m) continue;
    found.push({ name, key: `${m[1] as string}-${m[3] as string}-${m[2] as string}`, proc: m[2] as string });
  }
  found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const alive = new Map<string, boolean>();
  const segments: Segment[] = [];
  for (const { name, proc } of found) {
    if (!alive.has(proc)) alive.set(proc, lockHeld(livePathOf(path, proc)).held);
    if (alive.get(proc)) continue;
    const file = join(dir, name);
    try {
      segments.push(new Segment(file, statSync(file).size));
    } catch {
      // gone meanwhile
    }
  }
  return segments;
}

/** Bytes all of a spool's segments take now. */
export function segmentBytes(path: string): number {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !SEGMENT.test(name.slice(prefix.length))) continue;
      try {
        total += statSync(join(dir, name)).size;
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return 0;
  }
  return total;
}

export type ReadLine = { ordinal: number; end: number; entry: SpoolEntry | undefined };

/**
 * Reads a segment's lines one at a time from a byte offset, numbering them
 * from `ordinal`; at the end of what is written it returns undefined and can
 * be asked again (the file may grow). A line that does not parse (a torn
 * write at a crash) comes with no entry.
 */
export class LineReader {
  private fd: number | undefined;
  private buf = Buffer.alloc(256 * 1024);
  private data = Buffer.alloc(0);
  private dataStart: number;
  private position: number;

  constructor(
    readonly path: string,
    offset: number,
    private ordinal: number,
  ) {
    this.position = offset;
    this.dataStart = offset;
  }

  /** The number the next line will get (after the end: how many lines there are). */
  get lines(): number {
    return this.ordinal;
  }

  /** The next line, or undefined at the end of what is written. `final`: a last line without a newline counts (torn). */
  next(final: boolean): ReadLine | undefined {
    for (;;) {
      const nl = this.data.indexOf(10);
      if (nl !== -1) {
        const text = this.data.toString('utf8', 0, nl);
        const end = this.dataStart + nl + 1;
        this.data = this.data.subarray(nl + 1);
        this.dataStart = end;
        if (text.trim() === '') continue;
        return { ordinal: this.ordinal++, end, entry: parse(text) };
      }
      if (!this.fill()) {
        if (final && this.data.length > 0) {
          const end = this.dataStart + this.data.length;
          this.data = Buffer.alloc(0);
          this.dataStart = end;
          return { ordinal: this.ordinal++, end, entry: undefined };
        }
        return undefined;
      }
    }
  }

  private fill(): boolean {
    this.fd ??= openSync(this.path, 'r');
    if (fstatSync(this.fd).size <= this.position) return false;
    const n = readSync(this.fd, this.buf, 0, this.buf.length, this.position);
    if (n <= 0) return false;
    this.position += n;
    this.data = this.data.length > 0 ? Buffer.concat([this.data, this.buf.subarray(0, n)]) : Buffer.from(this.buf.subarray(0, n));
    return true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function parse(text: string): SpoolEntry | undefined {
  try {
    return toEntry(JSON.parse(text));
  } catch {
    return undefined;
  }
}
