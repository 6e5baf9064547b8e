import { errorLine } from '../errors/errorLine.js';
import { builtin } from './builtin.js';

/** Tries for a full pipe before a line is given up (each a short synchronous wait). */
const EAGAIN_TRIES = 50;

/**
 * Prints `[logferry] CODE: message` to fd 2 synchronously. A worker thread's
 * `process.stderr` is relayed through the main thread, which drops what is
 * still queued when it exits, so at exit (where error and drop lines matter
 * most) those lines were lost. This write is done when it returns, from any
 * thread. Never throws: a report must not cost the app.
 */
export function writeErrorLine(error: { code: string; message: string }): void {
  const fs = builtin('node:fs');
  const bytes = Buffer.from(errorLine(error), 'utf8');
  let offset = 0;
  for (let tries = 0; offset < bytes.length && tries < EAGAIN_TRIES; ) {
    try {
      offset += fs.writeSync(2, bytes, offset);
    } catch (e) {
      // A non-blocking pipe that is full answers EAGAIN: wait a moment and try again; anything else (fd 2 closed): give up.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      tries++;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}
