import { errorLine, type Stats } from '@logferry/core';

/** Values that must never be printed: keys from the environment, the file, or a --*-env variable. */
const secrets = new Set<string>();

export function addSecrets(values: Iterable<string | undefined>): void {
  for (const v of values) if (v && v.length >= 4) secrets.add(v);
}

function redacted(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** The one way the command prints a problem: one line on stderr, redacted, never a stack. */
export function printError(error: { code?: string; message: string }): void {
  const firstLine = error.message.split('\n')[0] ?? '';
  process.stderr.write(redacted(errorLine({ code: error.code ?? 'LOGFERRY_ERROR', message: firstLine })));
}

/** A line of the command's own output (stdout), redacted all the same. */
export function printLine(text: string): void {
  process.stdout.write(`${redacted(text)}\n`);
}

function topReasons(reasons: Record<string, number>, n = 3): string {
  return Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([reason, count]) => `${count}× ${reason}`)
    .join('; ');
}

/** What happened to the records, in one line: the end of a pipe or a replay. */
export function summaryLine(stats: Pick<Stats, 'delivered' | 'rejected' | 'restamped' | 'rejectedReasons'> & Partial<Pick<Stats, 'dropped' | 'spooled' | 'filtered' | 'droppedReasons'>>): string {
  const parts = [`${stats.delivered} delivered`, `${stats.rejected} rejected`];
  if (stats.restamped > 0) parts.push(`${stats.restamped} restamped`);
  if (stats.filtered) parts.push(`${stats.filtered} dropped as stale`);
  if (stats.spooled !== undefined) parts.push(`${stats.spooled} spooled`);
  if (stats.dropped !== undefined) parts.push(`${stats.dropped} dropped${stats.dropped > 0 && stats.droppedReasons ? ` (${topReasons(stats.droppedReasons)})` : ''}`);
  const reasons = topReasons(stats.rejectedReasons);
  return `logferry: ${parts.join(', ')}${reasons ? `; rejected: ${reasons}` : ''}`;
}
