import type { LogferryError } from '../errors/logferryError.js';
import type { LogEntry } from '../intake/intake.js';
import type { LogRecord } from '../record/record.js';

/** What the pipeline offers a journal: room in the memory buffer, and a way in for records read back. */
export interface JournalHost {
  /** Bytes the memory buffer takes now (0 once closed or the key is refused). */
  room(): number;
  /** False once nothing more will be sent (closed, or the key refused): what waits in the journal stays there, and flush() does not wait for it. */
  accepting(): boolean;
  /** A record of an entry read back; `seq` orders it for flush() (0: before anything this process logged). */
  make(entry: LogEntry, seq: number): LogRecord;
  /** Records read back, into the buffer. `drained`: how many came from an earlier process's files. */
  push(records: LogRecord[], drained: number): void;
  /** What waits in the journal changed (flushers may be done). */
  changed(): void;
  /** Reports an error to the user (rate-limited, redacted). */
  report(error: LogferryError): void;
}

/**
 * A write-ahead log of records on their way (the Node durable spool; handed
 * to the pipeline): every record is written when taken in, acknowledged when
 * it settles (delivered, rejected, left out by the stale policy), and read
 * back when the memory buffer has room: what an earlier process left first,
 * then what this one logged while the buffer was full.
 */
export interface RecordJournal {
  attach(host: JournalHost): void;
  /** A record taken in: written ahead. False when it waits in the journal (the buffer is full, or older records wait). */
  take(record: LogRecord): boolean;
  /** Of `records` (undeliverable now), those the journal does not hold; it lets go of the others, which stay unacknowledged on disk. */
  release(records: readonly LogRecord[]): LogRecord[];
  /** `records` settled; `acknowledged` when the API answered for them (delivered or rejected). */
  settled(records: readonly LogRecord[], acknowledged: boolean): void;
  /** Something settled: read more back when there is room. */
  refill(): void;
  /** The lowest `seq` of what waits in the journal to be read back (for flush), or Infinity. */
  oldestSeq(): number;
  /** Records waiting in the journal for the buffer. */
  readonly waiting: number;
  /** Writes what is pending and lets go of files and locks; returns how many of this process's records it still holds unread. */
  close(): number;
}
