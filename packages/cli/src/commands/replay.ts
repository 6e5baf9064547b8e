import { replaySpool, type ResolvedOptions } from '@logferry/core';
import { printError, printLine, summaryLine } from '../output.js';
import { progressView } from './replayProgress.js';

/**
 * `logferry replay <spool> datamix|initialstate`: sends a spool file with
 * progress, resumable (a replay that stops resumes where it stopped on the
 * next run). 0: all delivered; 1: something rejected, or stopped before the end.
 */
export async function replay(path: string, options: ResolvedOptions): Promise<number> {
  const view = progressView(process.stdout);
  let result;
  try {
    result = await replaySpool({ ...options, path, onError: printError, onProgress: (p) => view.update(p) });
  } finally {
    view.stop();
  }
  printLine(`${summaryLine(result)}${result.skippedLines > 0 ? `; ${result.skippedLines} unreadable lines skipped` : ''}`);
  if (result.incomplete) {
    printError({ code: 'LOGFERRY_INCOMPLETE', message: `the replay stopped before the end${result.lastError ? ` (${result.lastError})` : ''}; run the same command again to resume` });
    return 1;
  }
  return result.rejected > 0 ? 1 : 0;
}
