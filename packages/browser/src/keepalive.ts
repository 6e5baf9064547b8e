import { textOf, utf8, type LogRecord } from '@logferry/core/portable';

/** Chromium (and the Fetch standard) cap the bodies of all keepalive requests in flight at 64 KiB, in total. */
export const KEEPALIVE_BUDGET = 64 * 1024;

/** Room a logs body needs besides its messages: `{"session":<token>,"messages":[...]}` with a generous token. */
export const BODY_OVERHEAD = 1024;

/** Whether a body of `bytes` may go with keepalive while `inFlight` keepalive bytes are under way. */
export function fitsKeepalive(bytes: number, inFlight: number): boolean {
  return bytes + inFlight <= KEEPALIVE_BUDGET;
}

/** A record's bytes in a logs body, at most: its message as JSON, UTF-8, plus level, timestamp and punctuation. */
export function wireBytes(record: LogRecord): number {
  return utf8(JSON.stringify(textOf(record))).length + 64;
}

/**
 * How many of `records`, from the front, fit one keepalive body with
 * `inFlight` keepalive bytes already under way: the unload request takes
 * those, the rest is carried to the next page load.
 */
export function keepaliveShare(sizes: readonly number[], inFlight: number): number {
  let total = BODY_OVERHEAD;
  let n = 0;
  for (const size of sizes) {
    if (!fitsKeepalive(total + size, inFlight)) break;
    total += size;
    n++;
  }
  return n;
}
