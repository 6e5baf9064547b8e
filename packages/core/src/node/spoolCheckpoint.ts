import { builtin } from './builtin.js';

const { readFileSync, renameSync, rmSync, writeFileSync } = builtin('node:fs');

/** Acknowledged lines beyond the prefix: [first, last + 1) by line number, and the byte just past the last one. */
type Range = [start: number, end: number, endByte: number];

/** One line to acknowledge: its number in the segment and the byte just past it. */
export interface LinePosition {
  ordinal: number;
  end: number;
}

interface CheckpointFile {
  v: 1;
  /** Lines 0..prefix-1 are acknowledged; they end at byte prefixEnd. */
  prefix: number;
  prefixEnd: number;
  ranges: Range[];
}

/**
 * What of one spool segment was acknowledged (delivered, rejected, or left out
 * by the stale policy), as a prefix plus the few ranges acknowledged out of
 * order (lanes answer out of order; a batch that gave up leaves a hole). Saved
 * as `<segment>.ack`, a few dozen bytes, written to a temporary file and renamed,
 * so a crash leaves the old checkpoint or the new one, never a torn one.
 */
export class SpoolCheckpoint {
  prefix = 0;
  prefixEnd = 0;
  private ranges: Range[] = [];
  private dirty = false;

  constructor(readonly path: string) {}

  /**
   * Saves a checkpoint that says everything before byte `offset` is
   * acknowledged (the lines after it are numbered from 0): for a file whose
   * progress was kept as one offset (an interrupted replaySpool's).
   */
  static startingAt(path: string, offset: number): SpoolCheckpoint {
    const checkpoint = new SpoolCheckpoint(path);
    checkpoint.prefixEnd = offset;
    checkpoint.dirty = true;
    checkpoint.save();
    return checkpoint;
  }

  static load(path: string): SpoolCheckpoint {
    const checkpoint = new SpoolCheckpoint(path);
    let value: Partial<CheckpointFile>;
    try {
      value = JSON.parse(readFileSync(path, 'utf8')) as Partial<CheckpointFile>;
    } catch {
      return checkpoint;
    }
    if (Number.isSafeInteger(value.prefix) && Number.isSafeInteger(value.prefixEnd)) {
      checkpoint.prefix = value.prefix as number;
      checkpoint.prefixEnd = value.prefixEnd as number;
    }
    if (Array.isArray(value.ranges)) {
      for (const r of value.ranges) {
        if (Array.isArray(r) && r.length === 3 && r.every((n) => Number.isSafeInteger(n)) && r[0] < r[1]) checkpoint.insert([r[0], r[1], r[2]]);
      }
    }
    return checkpoint;
  }

  isAcknowledged(ordinal: number): boolean {
    if (ordinal < this.prefix) return true;
    for (const [start, end] of this.ranges) if (ordinal >= start && ordinal < end) return true;
    return false;
  }

  /** Whether every one of the first `lines` lines is acknowledged. */
  covers(lines: number): boolean {
    return this.prefix >= lines;
  }

  /** Acknowledges lines (in any order). */
  acknowledge(lines: readonly LinePosition[]): void {
    if (lines.length === 0) return;
    const sorted = [...lines].sort((a, b) => a.ordinal - b.ordinal);
    let run: Range | undefined;
    for (const { ordinal, end } of sorted) {
      if (run && ordinal === run[1]) {
        run[1] = ordinal + 1;
        run[2] = end;
        continue;
      }
      if (run) this.insert(run);
      run = [ordinal, ordinal + 1, end];
    }
    if (run) this.insert(run);
    this.dirty = true;
  }

  private insert(range: Range): void {
    if (range[1] <= this.prefix) return;
    const ranges = this.ranges;
    let i = 0;
    while (i < ranges.length && (ranges[i] as Range)[1] < range[0]) i++;
    // Merge with every range it touches or overlaps.
    while (i < ranges.length && (ranges[i] as Range)[0] <= range[1]) {
      const other = ranges[i] as Range;
      if (other[1] > range[1]) {
        range[1] = other[1];
        range[2] = other[2];
      }
      range[0] = Math.min(range[0], other[0]);
      ranges.splice(i, 1);
    }
    ranges.splice(i, 0, range);
    const first = ranges[0];
    if (first && first[0] <= this.prefix) {
      this.prefix = first[1];
      this.prefixEnd = first[2];
      ranges.shift();
    }
  }

  /** Writes the checkpoint if it changed: temp file, then rename (atomic on POSIX). */
  save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const tmp = `${this.path}.tmp`;
    const file: CheckpointFile = { v: 1, prefix: this.prefix, prefixEnd: this.prefixEnd, ranges: this.ranges };
    writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
    rmSync(`${this.path}.tmp`, { force: true });
  }
}
