import { once } from 'node:events';
import { setImmediate as turn } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { createClientFromResolved, type ResolvedOptions, type Stats } from '@logferry/core';
import { printError, summaryLine } from '../output.js';

export interface PipeOptions {
  /** Pass every line through to stdout. */
  tee: boolean;
  /** No summary line at the end. */
  quiet: boolean;
}

/** 0: everything delivered; 1: something was not (dropped, spooled, rejected, a refused key). */
export function exitCodeOf(stats: Pick<Stats, 'dropped' | 'spooled' | 'rejected'>): number {
  return stats.dropped + stats.spooled + stats.rejected > 0 ? 1 : 0;
}

/**
 * `node app.js | logferry datamix …`: every stdin line (pino or winston
 * NDJSON, or plain text) becomes a record. Reading pauses while the API is
 * behind (backpressure on the pipe). EOF, SIGTERM or SIGINT: stop reading,
 * deliver or spool within exitTimeoutMs, exit.
 */
export async function pipe(options: ResolvedOptions, flags: PipeOptions): Promise<number> {
  const client = createClientFromResolved(options, { exitHooks: false, onError: printError });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Run without a pipe, the command would seem to hang: say what it is waiting for.
  if (process.stdin.isTTY) process.stderr.write('logferry: reading log lines from stdin (pipe your app into it; Ctrl-D ends)\n');
  let stopping = false;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = (): void => {
    if (stopping) {
      // A second signal: no more waiting. What is still unsent goes to the spool (if set) now.
      client.closeSync();
      process.exit(1);
    }
    stopping = true;
    resolveStopped();
    lines.close();
    process.stdin.destroy();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // readline hands a whole chunk's lines over in one go, as microtasks: without a turn of the
  // event loop now and then, the client's timers (the next batch, a retry) and a signal wait
  // behind them. (A small buffer is kept from overflowing by capacity(), not by these turns.)
  const TURN_EVERY_CHARS = 16 * 1024;
  let sinceTurn = 0;
  try {
    for await (const line of lines) {
      if (line !== '') client.logLine(line);
      sinceTurn += line.length + 1;
      if (sinceTurn >= TURN_EVERY_CHARS) {
        sinceTurn = 0;
        await turn();
      }
      // A signal must not wait on a slow reader of --tee or on a slow API: both waits end with it.
      if (flags.tee && !process.stdout.write(`${line}\n`)) await Promise.race([once(process.stdout, 'drain'), stopped]);
      // The API is up but behind: stop reading stdin for a moment rather than drop lines.
      const wait = client.capacity();
      if (wait) await Promise.race([wait, stopped]);
      if (stopping) break;
    }
    await client.close();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  const stats = client.stats();
  if (!flags.quiet) process.stderr.write(`${summaryLine(stats)}\n`);
  return exitCodeOf(stats);
}
