import { builtin } from './builtin.js';

const { closeSync, openSync, readSync } = builtin('node:fs');

/** Lines in a file from `offset` (a last line without a newline counts): a replay's total, for its progress. */
export function countLines(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    let lines = 0;
    let last = 10;
    for (let position = offset, n = readSync(fd, buf, 0, buf.length, position); n > 0; position += n, n = readSync(fd, buf, 0, buf.length, position)) {
      for (let at = buf.indexOf(10, 0); at !== -1 && at < n; at = buf.indexOf(10, at + 1)) lines++;
      last = buf[n - 1] ?? 10;
    }
    return last === 10 ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}
