import type { LogRecord } from '../record/record.js';
import type { RecordJournal } from './journal.js';
import type { Reports } from './reports.js';
import type { DropReason, Stats } from './stats.js';

/** Where records that will not be delivered are kept (the Node spool file; handed to the pipeline). */
export interface RecordSpool {
  /** Appends what fits; returns how many records did not fit. Synchronous: it may run at process exit. */
  append(records: readonly LogRecord[]): number;
  close(): void;
}

/** Runs `fn` after the current turn: with setImmediate where there is one. */
const afterTurn: (fn: () => void) => void =
  // eslint-disable-next-line no-restricted-globals -- detected, not assumed: a browser has no setImmediate
  typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

/**
 * Records that will not be delivered: to the spool when there is one,
 * otherwise counted as dropped (and reported). Overflow arrives one record at
 * a time, so the spool is written once per turn.
 */
export class Undeliverable {
  private pending: LogRecord[] = [];

  constructor(
    private readonly spool: RecordSpool | undefined,
    private readonly counters: Stats,
    private readonly reports: Reports,
    /** Durable: records it holds are in the spool already (unacknowledged, so the next start sends them). */
    private readonly journal?: RecordJournal,
  ) {}

  add(all: readonly LogRecord[], reason: DropReason): void {
    let records = all;
    if (this.journal) {
      records = this.journal.release(all);
      this.counters.spooled += all.length - records.length;
    }
    if (records.length === 0) return;
    if (!this.spool) {
      this.reports.dropped(records.length, reason);
      return;
    }
    for (const r of records) this.pending.push(r);
    if (this.pending.length === records.length) afterTurn(() => this.write());
  }

  /** Writes what waits for the spool now (at close and at exit). */
  write(): void {
    if (!this.spool || this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    const refused = this.spool.append(records);
    this.counters.spooled += records.length - refused;
    if (refused > 0) this.reports.dropped(refused, 'spool-full');
  }

  close(): void {
    this.write();
    this.spool?.close();
  }
}
