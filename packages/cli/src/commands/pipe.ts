import { once } from 'node:events';
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
  const stop = (): void => {
    lines.close();
    process.stdin.destroy();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    for await (const line of lines) {
      if (line !== '') client.logLine(line);
      if (flags.tee && !process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
      // The API is up but behind: stop reading stdin for a moment rather than drop lines.
      const wait = client.capacity();
      if (wait) await wait;
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  await client.close();
  const stats = client.stats();
  if (!flags.quiet) process.stderr.write(`${summaryLine(stats)}\n`);
  return exitCodeOf(stats);
}
