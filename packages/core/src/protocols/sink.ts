import type { LogferryError } from '../errors/logferryError.js';
import type { LaneRange } from '../options/laneRange.js';
import type { LogRecord } from '../record/record.js';

/**
 * What one attempt at sending a batch came to. The sink speaks the protocol
 * and reports; the pipeline decides what to do next (retry, split, spool).
 */
export type SendResult =
  | {
      kind: 'delivered';
      /** Records the server refused, with its reasons: never retried. */
      rejected: { record: LogRecord; reason: string }[];
      /** Records not sent because they fell outside the API's time window. */
      outOfWindow: LogRecord[];
      restamped: number;
      /** The server told us an earlier, unanswered attempt had already been processed. */
      duplicateAvoided: boolean;
      /** Records the sink had nothing to send for (Initial State's fieldsOnly, none of the fields present): counted as filtered. */
      filtered?: number;
      /** Something the user should hear about though the batch went (in the protocol's own words; rate-limited by the pipeline). */
      notice?: LogferryError;
    }
  | {
      kind: 'retry';
      error: LogferryError;
      retryAfterMs?: number;
      immediate?: boolean;
      ambiguous?: boolean;
      /** Already reported (a key file's refusal streak): counted, not reported again. */
      quiet?: boolean;
    }
  | { kind: 'split' }
  /**
   * Nothing more can be sent: `auth` (the default), the credential was
   * refused; `quota`, the account's quota is spent. Reported once; what
   * follows goes to the spool (or is counted as dropped) under that reason.
   */
  | { kind: 'fatal'; error: LogferryError; reason?: StopReason };

export type StopReason = 'auth' | 'quota';

export interface Sink {
  /** How many requests may be in flight at once (Datamix: one per session). */
  readonly lanes: number;
  /** Optional: lanes that open as the load needs them, from `min` up to `lanes` (Datamix `sessions: { min, max }`); all open when absent. */
  readonly laneRange?: LaneRange;
  /** Optional: the lane was closed for being idle; what it keeps for its next request (a session) may go. */
  closeLane?(lane: number): void;
  /** Upper bound for a batch's estimated bytes, whatever the batch options say. */
  readonly maxBatchBytes: number;
  /** Upper bound for a batch's records, whatever the batch options say (an API's limit on items a request). */
  readonly maxBatchRecords?: number;
  /** Estimated bytes a record takes on the wire. */
  sizeOf(messageLength: number): number;
  /**
   * Starts, without waiting, what the first batch's request needs (a
   * session, a bucket), so it is ready by the time the first batch is: a new
   * worker's first batch would otherwise wait a round trip. Its outcome is
   * the first send's, as if that send had made the request itself. The
   * pipeline calls it in workers only (see ClientHooks.openAtStart).
   */
  open?(signal: AbortSignal): void;
  /**
   * Optional: does ahead of time what `send(lane, records)` will need (builds
   * the request body) while the lane's current request is under way. The
   * pipeline calls it with the batch it will send next on that lane; send()
   * decides whether what was prepared is still good. Never throws.
   */
  prepare?(lane: number, records: LogRecord[]): void;
  /** One attempt to deliver `records` on `lane`. Never throws. */
  send(lane: number, records: LogRecord[], signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}
