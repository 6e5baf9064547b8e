import { setField } from '../record/messageText.js';

/** Counters every entry point exposes through `stats()`. Plain data: no keys, no tokens. */
export interface Stats {
  /** Records handed to log(). */
  logged: number;
  /** Accepted by the API. */
  delivered: number;
  /** Refused by the API (never retried); reasons in `rejectedReasons`. */
  rejected: number;
  /** Not sent by design: outside the API's time window (stale: 'drop'), or nothing to send (Initial State's fieldsOnly without the fields). */
  filtered: number;
  /** Outside the window and sent with the current time (stale: 'restamp'). */
  restamped: number;
  /** Lost: buffer overflow, retries exhausted or exit deadline without a spool, bad key. By reason in `droppedReasons`. */
  dropped: number;
  /** Written to the spool file instead of being delivered (durable mode: left in the spool, unacknowledged, at close). */
  spooled: number;
  /** Records read from spool files an earlier process left (drained at start); their outcome is counted with the others. */
  drained: number;
  /** Durable spool: records written ahead to this process's segment. */
  journaled: number;
  /** Durable spool: records waiting in the spool for room in the memory buffer (read back as it drains). */
  spilled: number;
  /** Waiting in memory. */
  buffered: number;
  bufferedBytes: number;
  /** Taken from the buffer for a session: in requests not answered yet, or in the next request's body, already built. */
  inFlight: number;
  requests: number;
  failedRequests: number;
  retries: number;
  sessionsCreated: number;
  /** Lanes open to take batches (Datamix: sessions; with `sessions: { min, max }` it grows and shrinks with the load). */
  lanesOpen: number;
  /** Attempts that got no answer (may or may not have been processed). */
  ambiguous: number;
  /** Of those, how many the server told us were processed, so they were not sent twice. */
  duplicatesAvoided: number;
  rejectedReasons: Record<string, number>;
  droppedReasons: Record<string, number>;
  lastError?: { code: string; message: string; at: string };
}

export type DropReason = 'overflow' | 'gave-up' | 'auth' | 'quota' | 'exit' | 'closed' | 'spool-full';

export function emptyStats(): Stats {
  return {
    logged: 0, delivered: 0, rejected: 0, filtered: 0, restamped: 0, dropped: 0, spooled: 0,
    drained: 0, journaled: 0, spilled: 0,
    buffered: 0, bufferedBytes: 0, inFlight: 0, requests: 0, failedRequests: 0, retries: 0,
    sessionsCreated: 0, lanesOpen: 0, ambiguous: 0, duplicatesAvoided: 0, rejectedReasons: {}, droppedReasons: {},
  };
}

const MAX_REASONS = 50;

/** Counts a reason; keeps at most 50 distinct ones so a stream of unique messages cannot grow memory. */
export function countReason(table: Record<string, number>, reason: string, n = 1): void {
  const key = reason.length > 200 ? `${reason.slice(0, 199)}…` : reason;
  bump(table, Object.hasOwn(table, key) || Object.keys(table).length < MAX_REASONS ? key : 'other', n);
}

/** Adds n to table[key], an own key even when the reason is "__proto__" or "constructor". */
function bump(table: Record<string, number>, key: string, n: number): void {
  setField(table, key, (Object.hasOwn(table, key) ? (table[key] as number) : 0) + n);
}
