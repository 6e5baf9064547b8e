import { createClientFromResolved } from './createClient.js';
import { LogferryError } from '../errors/logferryError.js';
import { parseOptions } from '../options/options.js';
import type { LogRecord } from '../record/record.js';
import { readSpool } from './spool.js';
import { builtin } from './builtin.js';
import { countLines } from './countLines.js';
import { SpoolLock } from './spoolLock.js';
import { liveWriters, lockPathOf, readReplayOffset, replayingPathOf, replayOffsetPathOf, writeReplayOffset } from './spoolSegments.js';

// Not `import ... from 'node:fs'`: an ES import of node:fs also loads fs/promises (and readline) in every worker.
const { existsSync, renameSync, rmSync } = builtin('node:fs');

export interface ReplayResult {
  /** Records the API accepted during this replay. */
  delivered: number;
  /** Records the API refused (never retried). */
  rejected: number;
  /** Lines that could not be read (a torn write at a crash). */
  skippedLines: number;
  /** True when the replay stopped before the end (the API was unreachable); run it again to resume. */
  incomplete: boolean;
  lastError?: string;
  /** Records sent with the current time because their own was outside the window. */
  restamped: number;
  /** Why the API refused records, with counts. */
  rejectedReasons: Record<string, number>;
}

/** How far a replay is, after each acknowledged batch. */
export interface ReplayProgress {
  /** Records settled (delivered or rejected) in this run. */
  done: number;
  /** Records left in the file when this run started (lines; a resumed run counts from where it resumes). */
  total: number;
  delivered: number;
  rejected: number;
  restamped: number;
}

/**
 * Sends a spool file's records with the given transport options. Records now
 * outside Datamix's window are re-stamped (their original time kept in the
 * message). Progress is saved after every acknowledged batch, so a replay that
 * dies resumes where it stopped and never re-sends what was acknowledged.
 *
 * The spool is first renamed to `<path>.replaying`; `<path>.replaying.offset`
 * holds the progress. A replay holds the spool's drain lock (`<path>.lock`)
 * while it runs, as a transport that drains the path on start does: a replay
 * and a transport never both send one file. A replay killed part-way is
 * resumed by the next replay, or adopted by the next transport started on the
 * path, from its offset. It refuses (LOGFERRY_SPOOL, nothing sent) while
 * another process holds the lock or still shares the path.
 */
export async function replaySpool(
  input: { path: string; onError?: (error: LogferryError) => void; onProgress?: (progress: ReplayProgress) => void } & Record<string, unknown>,
): Promise<ReplayResult> {
  const { path, onError, onProgress, ...rest } = input;
  const base = parseOptions(rest);
  const options = { ...base, stale: 'restamp' as const, spool: undefined, exitTimeoutMs: Math.max(base.exitTimeoutMs, 30_000) };
  options.sink = options.sink.type === 'datamix' ? { ...options.sink, sessions: 1 } : options.sink;

  const working = replayingPathOf(path);
  const nothing: ReplayResult = { delivered: 0, rejected: 0, skippedLines: 0, incomplete: false, restamped: 0, rejectedReasons: {} };
  if (!existsSync(working) && !existsSync(path)) return nothing;
  const lock = takeDrainLock(path);
  try {
    if (!existsSync(working)) {
      if (!existsSync(path)) return nothing;
      // An offset counts only with its file: a new .replaying starts from 0.
      rmSync(replayOffsetPathOf(path), { force: true });
      renameSync(path, working);
    }
    return await replayFile(path, options, onError, onProgress);
  } finally {
    lock.release();
  }
}

/** The drain lock, or a LOGFERRY_SPOOL error naming who has the spool. */
function takeDrainLock(path: string): SpoolLock {
  const id = `replay${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 6).toString(36)}`;
  const lock = SpoolLock.acquire(lockPathOf(path), id);
  if (!(lock instanceof SpoolLock)) {
    const who = lock.heldBy ? ` (pid ${lock.heldBy})` : '';
    throw new LogferryError(
      'LOGFERRY_SPOOL',
      `spool.path ${path} is being drained by another process${who}, a transport started on it or another replay: that process sends these records; nothing was replayed`,
    );
  }
  const writers = liveWriters(path);
  if (writers.length > 0) {
    lock.release();
    throw new LogferryError(
      'LOGFERRY_SPOOL',
      `spool.path ${path} is in use by a running process (pid ${writers.join(', ')}), which may still write to it: replay it once that process has stopped (or start the transport again, which drains it); nothing was replayed`,
    );
  }
  return lock;
}

async function replayFile(
  path: string,
  options: Parameters<typeof createClientFromResolved>[0],
  onError: ((error: LogferryError) => void) | undefined,
  onProgress: ((progress: ReplayProgress) => void) | undefined,
): Promise<ReplayResult> {
  const working = replayingPathOf(path);
  let acknowledged = readReplayOffset(path);
  const total = onProgress ? countLines(working, acknowledged) : 0;
  let done = 0;

  const ends = new Map<LogRecord['seq'], number>();
  let failed = false;
  let seq = 0;
  const client = createClientFromResolved(options, {
    exitHooks: false,
    ...(onError ? { onError } : {}),
    onSettled: (records, delivered) => {
      if (failed) return;
      if (!delivered) {
        // Progress is one offset: nothing past a failed batch may be delivered, or a resumed
        // replay would send it again. Stop here; the rest waits for the next replay.
        failed = true;
        client.closeSync();
        return;
      }
      const last = records[records.length - 1];
      const end = last ? ends.get(last.seq) : undefined;
      for (const r of records) ends.delete(r.seq);
      if (end !== undefined && end > acknowledged) {
        acknowledged = end;
        writeReplayOffset(path, end);
      }
      done += records.length;
      if (onProgress) {
        const { delivered: sent, rejected, restamped } = client.stats();
        onProgress({ done, total, delivered: sent, rejected, restamped });
      }
    },
  });

  let skippedLines = 0;
  let pending = 0;
  for (const item of readSpool(working, acknowledged)) {
    if (failed) break;
    if ('bad' in item) {
      skippedLines++;
      continue;
    }
    seq++;
    ends.set(seq, item.end);
    client.logEntry(item.entry);
    if (++pending >= 5000) {
      pending = 0;
      await client.flush();
    }
  }
  await client.close();
  const stats = client.stats();
  const incomplete = failed || stats.dropped > 0;
  if (!incomplete) {
    rmSync(working, { force: true });
    rmSync(replayOffsetPathOf(path), { force: true });
  }
  const result: ReplayResult = {
    delivered: stats.delivered,
    rejected: stats.rejected,
    skippedLines,
    incomplete,
    restamped: stats.restamped,
    rejectedReasons: stats.rejectedReasons,
  };
  if (stats.lastError) result.lastError = stats.lastError.message;
  return result;
}
