import { createClientFromResolved } from './createClient.js';
import type { LogferryError } from '../errors/logferryError.js';
import { parseOptions } from '../options/options.js';
import type { LogRecord } from '../record/record.js';
import { readSpool } from './spool.js';
import { builtin } from './builtin.js';
import { countLines } from './countLines.js';

// Not `import ... from 'node:fs'`: an ES import of node:fs also loads fs/promises (and readline) in every worker.
const { existsSync, readFileSync, renameSync, rmSync, writeFileSync } = builtin('node:fs');

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
 * The spool is first renamed to `<path>.replaying`, so a process still writing
 * to `<path>` starts a fresh file; `<path>.replaying.offset` holds the progress.
 */
export async function replaySpool(
  input: { path: string; onError?: (error: LogferryError) => void; onProgress?: (progress: ReplayProgress) => void } & Record<string, unknown>,
): Promise<ReplayResult> {
  const { path, onError, onProgress, ...rest } = input;
  const base = parseOptions(rest);
  const options = { ...base, stale: 'restamp' as const, spool: undefined, exitTimeoutMs: Math.max(base.exitTimeoutMs, 30_000) };
  options.sink = options.sink.type === 'datamix' ? { ...options.sink, sessions: 1 } : options.sink;

  const working = `${path}.replaying`;
  const offsetFile = `${working}.offset`;
  if (!existsSync(working)) {
    if (!existsSync(path)) return { delivered: 0, rejected: 0, skippedLines: 0, incomplete: false, restamped: 0, rejectedReasons: {} };
    renameSync(path, working);
  }
  let acknowledged = existsSync(offsetFile) ? Number(readFileSync(offsetFile, 'utf8')) || 0 : 0;
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
        writeFileSync(offsetFile, String(end));
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
    rmSync(offsetFile, { force: true });
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
