import { dirname } from 'node:path';
import sonicBoom from 'sonic-boom';
import { LogferryError } from '../errors/logferryError.js';
import type { JournalHost, RecordJournal } from '../pipeline/journal.js';
import type { Stats } from '../pipeline/stats.js';
import type { LogRecord } from '../record/record.js';
import { restamp } from '../record/restamp.js';
import { FUTURE_WINDOW_MS, PAST_WINDOW_MS } from '../record/timeWindow.js';
import { spoolLine, type SpoolEntry } from './spool.js';
import type { LinePosition } from './spoolCheckpoint.js';
import { SpoolCheckpoint } from './spoolCheckpoint.js';
import {
  leftSegments,
  LineReader,
  livePathOf,
  liveWriters,
  lockPathOf,
  readReplayOffset,
  replayingPathOf,
  replayOffsetPathOf,
  Segment,
  segmentBytes,
  segmentPath,
  type ReadLine,
} from './spoolSegments.js';
import { SpoolLock } from './spoolLock.js';
import { builtin } from './builtin.js';

const { existsSync, fsync, fsyncSync, mkdirSync, renameSync, rmSync, statSync } = builtin('node:fs');

const { SonicBoom } = sonicBoom;
type SonicBoom = InstanceType<typeof SonicBoom>;

/** A segment is closed and a new one begun past this size (or an eighth of `maxBytes`, if less), so acknowledged ones can go whole. */
const SEGMENT_MAX_BYTES = 8 * 1024 * 1024;
/** Written segment data is fsynced at least this often (see the README's "Crash-safe delivery"). */
export const FSYNC_INTERVAL_MS = 100;
/** Records read back per turn, at most. */
const READ_PER_TURN = 2000;
/** Read-back records older than this (or further ahead than FUTURE) are re-stamped: they would fall outside Datamix's window by the time they go. */
const RESTAMP_OLDER_THAN_MS = PAST_WINDOW_MS - 60_000;
const RESTAMP_AHEAD_MS = FUTURE_WINDOW_MS - 2_000;

export interface DurableSpoolOptions {
  path: string;
  maxBytes: number;
  /** 'durable': every record written ahead; otherwise only the drain of what earlier processes left. */
  durable: boolean;
  /** The memory buffer's bound (`buffer.maxBytes`). */
  bufferBytes: number;
  /** Re-stamp read-back records outside Datamix's window (the Datamix sink). */
  restamp: boolean;
  counters: Stats;
}

interface Position {
  segment: Segment;
  ordinal: number;
  end: number;
}

/** A line read back, and where it came from. */
type Found = ReadLine & { segment: Segment; own: boolean };

function newProcId(): string {
  return `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

/**
 * The durable spool (a write-ahead log in segment files next to
 * `spool.path`), and, in either mode, the drain of what earlier processes
 * left there. See spoolSegments.ts for the files.
 *
 * Durable mode: every record taken in is appended to this process's current
 * segment, in one write per event-loop turn (sonic-boom, synchronous, so it is
 * in the kernel before the turn ends: a kill -9 cannot lose it), and fsynced
 * at least every 100 ms (a power cut can lose at most that). While the memory
 * buffer is full, or older records wait, new records stay in the segment only
 * ("spilled") and are read back, in order, as the buffer drains: memory stays
 * within `buffer.maxBytes`. A record acknowledged by the API (delivered,
 * rejected, or left out by the stale policy) is marked in its segment's
 * checkpoint at once, before the lane sends anything else; a segment wholly
 * acknowledged is deleted.
 *
 * Drain: the process that takes `<path>.lock` reads, oldest first, every
 * segment whose writer is gone (and the default mode's file, renamed into a
 * segment), skipping what their checkpoints acknowledged. Another process
 * sharing the path says so once and only writes its own segment.
 */
export class DurableSpool implements RecordJournal {
  private readonly proc = newProcId();
  private readonly live: SpoolLock | undefined;
  private readonly lock: SpoolLock | undefined;
  private host: JournalHost | undefined;
  private readonly early: LogferryError[] = [];
  private readonly tracked = new Map<LogRecord, Position>();
  private closed = false;

  /** Earlier processes' segments still to read, oldest first. */
  private readonly left: Segment[];
  private leftReader: LineReader | undefined;

  /** This process's segments, oldest first; the last one is written. */
  private readonly own: Segment[] = [];
  private current: Segment | undefined;
  private stream: SonicBoom | undefined;
  private written = 0;
  private pending = '';
  private writeScheduled = false;
  private unsynced = false;
  private syncing = false;
  private readonly syncTimer: ReturnType<typeof setInterval> | undefined;
  private segmentsMade = 0;
  private totalBytes: number;
  private readonly segmentMax: number;
  private fullReported = false;

  /** Spilled: `spilled` records wait in the own segments from `spillAt` on; read back with `spillSeq`. */
  private spilled = 0;
  private spillSeq = Infinity;
  private spillAt: Position | undefined;
  private spillReader: { segment: Segment; reader: LineReader } | undefined;
  /** Read and made, waiting for room in the buffer. */
  private peeked: { found: Found; record: LogRecord } | undefined;
  private refillScheduled = false;
  private badLines = 0;

  constructor(private readonly options: DurableSpoolOptions) {
    const { path } = options;
    mkdirSync(dirname(path), { recursive: true });
    this.segmentMax = Math.max(64 * 1024, Math.min(SEGMENT_MAX_BYTES, Math.floor(options.maxBytes / 8)));
    let lock: SpoolLock | { heldBy: number };
    try {
      const live = SpoolLock.acquire(livePathOf(path, this.proc), this.proc);
      this.live = live instanceof SpoolLock ? live : undefined;
      lock = SpoolLock.acquire(lockPathOf(path), this.proc);
    } catch (error) {
      // An unwritable directory: no drain (and the writes will report their own errors); never a crash.
      this.early.push(new LogferryError('LOGFERRY_SPOOL', `could not lock spool.path ${path}: ${(error as Error).message}`));
      lock = { heldBy: -1 };
    }
    if (lock instanceof SpoolLock) {
      this.lock = lock;
      this.left = leftSegments(path);
      this.adoptReplaying();
      this.adoptDefaultFile();
    } else if (lock.heldBy === -1) {
      this.left = [];
    } else {
      this.left = [];
      this.early.push(
        new LogferryError(
          'LOGFERRY_SPOOL',
          `spool.path ${path} is being drained by another process${lock.heldBy ? ` (pid ${lock.heldBy})` : ''}: this one leaves the drain to it${options.durable ? ' and writes its own segment' : ''}`,
        ),
      );
    }
    this.totalBytes = segmentBytes(path);
    if (options.durable) {
      this.syncTimer = setInterval(() => this.sync(), FSYNC_INTERVAL_MS);
      this.syncTimer.unref();
    }
  }

  /**
   * What an interrupted replaySpool left (`<path>.replaying`, and its offset:
   * everything before it was acknowledged), made a segment whose checkpoint
   * starts at that offset, so it drains from there like any other. Safe to
   * take: replaySpool holds the drain lock while it sends, and this process
   * holds it now, so no replay is still at it. The checkpoint is written before
   * the rename: a crash between the two leaves the file to adopt again (and a
   * checkpoint nobody reads), never a segment read from its start. Not while
   * another live process shares the path (it may have the file open).
   */
  private adoptReplaying(): void {
    const { path } = this.options;
    const working = replayingPathOf(path);
    if (!existsSync(working) || this.othersAlive()) return;
    try {
      const stat = statSync(working);
      const offset = readReplayOffset(path);
      if (offset < stat.size) {
        const target = segmentPath(path, stat.mtimeMs, this.proc, ++this.segmentsMade);
        SpoolCheckpoint.startingAt(`${target}.ack`, offset);
        renameSync(working, target);
        this.insertLeft(new Segment(target, stat.size));
      } else {
        // All of it acknowledged: the replay died before it removed the file.
        rmSync(working, { force: true });
      }
      rmSync(replayOffsetPathOf(path), { force: true });
    } catch {
      // Gone meanwhile, or not ours to move: left for a later start.
    }
  }

  /** Into the earlier processes' segments, oldest first (by when the file was last written). */
  private insertLeft(segment: Segment): void {
    const i = this.left.findIndex((s) => s.path > segment.path);
    this.left.splice(i === -1 ? this.left.length : i, 0, segment);
  }

  /**
   * The default mode's file (what an earlier process could not deliver),
   * renamed into a segment so it drains like one. Not while another live
   * process shares the path: it may be appending to that file.
   */
  private adoptDefaultFile(): void {
    const { path } = this.options;
    if (this.othersAlive() || !existsSync(path)) return;
    try {
      const stat = statSync(path);
      if (stat.size === 0) return;
      const target = segmentPath(path, stat.mtimeMs, this.proc, ++this.segmentsMade);
      renameSync(path, target);
      this.insertLeft(new Segment(target, stat.size));
    } catch {
      // Gone meanwhile, or not ours to move: left for a later start.
    }
  }

  /** Whether another live process shares the path (removes the live locks of dead ones). */
  private othersAlive(): boolean {
    return liveWriters(this.options.path, this.proc).length > 0;
  }

  attach(host: JournalHost): void {
    this.host = host;
    for (const error of this.early.splice(0)) host.report(error);
    this.refill();
  }

  get waiting(): number {
    return this.spilled;
  }

  oldestSeq(): number {
    if (this.host && !this.host.accepting()) return Infinity;
    if (this.left.length > 0 || this.leftReader || (this.peeked && !this.peeked.found.own)) return 0;
    return this.spilled > 0 || this.peeked ? this.spillSeq : Infinity;
  }

  take(record: LogRecord): boolean {
    if (!this.options.durable || this.closed) return true;
    const line = spoolLine(record);
    const bytes = Buffer.byteLength(line);
    if (this.totalBytes + bytes > this.options.maxBytes) {
      if (!this.fullReported) {
        this.fullReported = true;
        this.emit(new LogferryError('LOGFERRY_SPOOL', `the durable spool is full (spool.maxBytes ${this.options.maxBytes}): new records are kept in memory only until it drains`));
      }
      return true;
    }
    this.fullReported = false;
    const segment = this.segmentFor(bytes);
    const ordinal = this.written++;
    segment.bytes += bytes;
    this.totalBytes += bytes;
    const end = segment.bytes;
    this.pending += line;
    if (this.pending.length > 1024 * 1024) this.writePending();
    else if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writePending());
    }
    this.options.counters.journaled++;
    const host = this.host;
    if (this.spilled > 0 || this.peeked || this.left.length > 0 || this.leftReader || (host !== undefined && host.room() < record.bytes)) {
      // The oldest record still waiting keeps its seq (flush waits for it): one read back that found no room
      // (peeked) may still wait, and the reader that read it is right before this one: it reads on from there.
      if (this.spillSeq === Infinity) this.spillSeq = record.seq;
      if (this.spilled === 0 && !this.spillReader) this.spillAt = { segment, ordinal, end: end - bytes };
      this.spilled++;
      return false;
    }
    this.tracked.set(record, { segment, ordinal, end });
    return true;
  }

  release(records: readonly LogRecord[]): LogRecord[] {
    const rest: LogRecord[] = [];
    for (const r of records) if (!this.tracked.delete(r)) rest.push(r);
    return rest;
  }

  settled(records: readonly LogRecord[], acknowledged: boolean): void {
    let bySegment: Map<Segment, LinePosition[]> | undefined;
    for (const r of records) {
      const at = this.tracked.get(r);
      if (!at) continue;
      this.tracked.delete(r);
      if (!acknowledged) continue;
      bySegment ??= new Map();
      let list = bySegment.get(at.segment);
      if (!list) bySegment.set(at.segment, (list = []));
      list.push(at);
    }
    if (!bySegment) return;
    for (const [segment, lines] of bySegment) {
      segment.checkpoint.acknowledge(lines);
      this.saveCheckpoint(segment);
    }
  }

  private saveCheckpoint(segment: Segment): void {
    if (segment.removed) return;
    if (segment.done() && segment !== this.current) {
      this.drop(segment);
      return;
    }
    try {
      segment.checkpoint.save();
    } catch (error) {
      this.emit(new LogferryError('LOGFERRY_SPOOL', `could not save the spool checkpoint: ${(error as Error).message}`));
    }
  }

  /** A segment wholly acknowledged goes. */
  private drop(segment: Segment): void {
    segment.remove();
    this.totalBytes = Math.max(0, this.totalBytes - segment.bytes);
    // Left in `own` (one small object a segment): the spilled records' reader finds the next segment by it.
    segment.removed = true;
  }

  /** The segment to append `bytes` to: a new one past the segment size. */
  private segmentFor(bytes: number): Segment {
    const current = this.current;
    if (current && (current.bytes + bytes <= this.segmentMax || this.written === 0)) return current;
    if (current) {
      this.writePending();
      this.sync(true);
      this.stream?.end();
      current.lines = this.written;
      if (current.done()) this.drop(current);
    }
    const path = segmentPath(this.options.path, Date.now(), this.proc, ++this.segmentsMade);
    const segment = new Segment(path, 0);
    const stream = new SonicBoom({ dest: path, append: true, mkdir: true, sync: true, minLength: 0, mode: 0o600 });
    stream.on('error', (error: Error) => this.emit(new LogferryError('LOGFERRY_SPOOL', `could not write the durable spool: ${error.message}`)));
    this.stream = stream;
    this.current = segment;
    this.own.push(segment);
    this.written = 0;
    return segment;
  }

  /** One write of everything taken in this turn. */
  private writePending(): void {
    this.writeScheduled = false;
    if (this.pending === '' || !this.stream) return;
    const text = this.pending;
    this.pending = '';
    this.stream.write(text);
    this.unsynced = true;
  }

  /**
   * fsync what was written since the last one, on libuv's thread pool (an
   * fsync takes milliseconds on a busy disk: not on the event loop). `final`
   * (rotation, close): synchronously, before the descriptor is closed.
   */
  private sync(final = false): void {
    const stream = this.stream;
    if (!this.unsynced || !stream) return;
    // sonic-boom's typings leave out `fd`, the descriptor it writes (opened synchronously with sync: true).
    const fd = (stream as unknown as { fd: number }).fd;
    if (final) {
      this.unsynced = false;
      try {
        fsyncSync(fd);
      } catch {
        // the data was written; only its flush to the device failed
      }
      return;
    }
    if (this.syncing) return;
    this.unsynced = false;
    this.syncing = true;
    fsync(fd, () => {
      this.syncing = false;
    });
  }

  refill(): void {
    if (this.refillScheduled || this.closed || !this.host) return;
    if (this.left.length === 0 && !this.leftReader && this.spilled === 0 && !this.peeked) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.readBack();
    });
  }

  /** Reads records back into the buffer while it has room: what earlier processes left first, then this one's spilled records. */
  private readBack(): void {
    const host = this.host;
    if (this.closed || !host) return;
    this.writePending();
    const before = this.oldestSeq();
    let room = host.room();
    const records: LogRecord[] = [];
    let drained = 0;
    while (records.length < READ_PER_TURN) {
      let next = this.peeked;
      this.peeked = undefined;
      if (!next) {
        const found = this.nextLine();
        if (!found) break;
        next = { found, record: host.make(this.inWindow(found.entry as SpoolEntry), found.own ? this.spillSeq : 0) };
      }
      const { found, record } = next;
      // Never past the buffer's bound (the buffer would drop its oldest): the rest waits for room.
      // A record larger than the whole buffer goes anyway (the buffer refuses it, counted) rather than block the rest.
      if (record.bytes > room && record.bytes <= this.options.bufferBytes) {
        this.peeked = next;
        break;
      }
      room -= record.bytes;
      this.tracked.set(record, { segment: found.segment, ordinal: found.ordinal, end: found.end });
      records.push(record);
      if (!found.own) drained++;
    }
    if (this.spilled === 0 && !this.peeked) this.endSpill();
    if (records.length > 0) host.push(records, drained);
    if (this.badLines > 0) {
      this.emit(new LogferryError('LOGFERRY_SPOOL', `${this.badLines} unreadable spool lines (a torn write at a crash) were skipped`));
      this.badLines = 0;
    }
    if (records.length === READ_PER_TURN && host.room() > 0) this.refill();
    if (this.oldestSeq() !== before) host.changed();
  }

  private inWindow(entry: SpoolEntry): SpoolEntry {
    if (!this.options.restamp) return entry;
    const now = Date.now();
    if (entry.time >= now - RESTAMP_OLDER_THAN_MS && entry.time <= now + RESTAMP_AHEAD_MS) return entry;
    this.options.counters.restamped++;
    const moved = restamp(entry, now);
    return entry.fields ? { level: entry.level, time: moved.time, text: moved.text, fields: entry.fields } : { level: entry.level, time: moved.time, text: moved.text };
  }

  /** The next record to read back, or undefined when none waits. */
  private nextLine(): Found | undefined {
    while (this.left.length > 0) {
      const segment = this.left[0] as Segment;
      this.leftReader ??= new LineReader(segment.path, segment.checkpoint.prefixEnd, segment.checkpoint.prefix);
      let line: ReadLine | undefined;
      try {
        line = this.leftReader.next(true);
      } catch {
        line = undefined;
      }
      if (!line) {
        segment.lines = this.leftReader.lines;
        this.leftReader.close();
        this.leftReader = undefined;
        this.left.shift();
        if (segment.done()) this.drop(segment);
        continue;
      }
      if (segment.checkpoint.isAcknowledged(line.ordinal)) continue;
      if (!line.entry) {
        // Unreadable: counted once and acknowledged, so the segment can go.
        this.badLines++;
        segment.checkpoint.acknowledge([line]);
        this.saveCheckpoint(segment);
        continue;
      }
      return { ...line, segment, own: false };
    }
    return this.nextSpilled();
  }

  private nextSpilled(): Found | undefined {
    if (this.spilled === 0 || !this.spillAt) return undefined;
    if (!this.spillReader) {
      const at = this.spillAt;
      this.spillReader = { segment: at.segment, reader: new LineReader(at.segment.path, at.end, at.ordinal) };
    }
    for (;;) {
      const { segment, reader }: { segment: Segment; reader: LineReader } = this.spillReader;
      const line = reader.next(false);
      if (line?.entry) {
        this.spilled--;
        return { ...line, segment, own: true };
      }
      if (line) continue;
      const next: Segment | undefined = this.own[this.own.indexOf(segment) + 1];
      if (!next) return undefined;
      reader.close();
      this.spillReader = { segment: next, reader: new LineReader(next.path, 0, 0) };
    }
  }

  private endSpill(): void {
    this.spillSeq = Infinity;
    this.spillAt = undefined;
    this.spillReader?.reader.close();
    this.spillReader = undefined;
  }

  private emit(error: LogferryError): void {
    if (this.host) this.host.report(error);
    else this.early.push(error);
  }

  close(): number {
    if (this.closed) return 0;
    this.closed = true;
    this.writePending();
    this.sync(true);
    clearInterval(this.syncTimer);
    try {
      this.stream?.flushSync();
    } catch {
      // a write in progress completes on its own
    }
    this.stream?.end();
    this.stream = undefined;
    const current = this.current;
    if (current) {
      current.lines = this.written;
      this.current = undefined;
      if (current.done()) this.drop(current);
    }
    for (const segment of this.own) if (!segment.removed && segment.done()) this.drop(segment);
    this.leftReader?.close();
    this.spillReader?.reader.close();
    this.lock?.release();
    this.live?.release();
    // A record of this process's read back but waiting for room in the buffer is unread too (it stays on disk).
    const unread = this.spilled + (this.peeked?.found.own ? 1 : 0);
    this.spilled = 0;
    this.peeked = undefined;
    return unread;
  }
}
