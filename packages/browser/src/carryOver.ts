import type { LogEntry, LogRecord } from '@logferry/core/portable';
import { textOf } from '@logferry/core/portable';

/** The part of `localStorage` used (so tests can hand in another). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function isEntry(v: unknown): v is LogEntry {
  const e = v as LogEntry;
  return typeof e === 'object' && e !== null && typeof e.level === 'string' && typeof e.time === 'number' && typeof e.text === 'string';
}

/**
 * Records that could not go at unload, kept for the next page load of the
 * same origin. `take()` removes them as it reads them: a record carried is
 * sent by one page load only, and never was sent by the one that carried it.
 */
export class CarryOver {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
    private readonly maxBytes: number,
  ) {}

  /** Adds `records` after what is kept already; returns how many did not fit (the newest). */
  save(records: readonly LogRecord[]): number {
    if (records.length === 0) return 0;
    const kept = this.read();
    let bytes = JSON.stringify(kept).length;
    let refused = 0;
    for (const record of records) {
      const entry: LogEntry = { level: record.level, time: record.time, text: textOf(record) };
      const size = JSON.stringify(entry).length + 1;
      if (bytes + size > this.maxBytes) {
        refused++;
        continue;
      }
      kept.push(entry);
      bytes += size;
    }
    try {
      this.store.setItem(this.key, JSON.stringify(kept));
    } catch {
      // Storage full or refused (private mode): nothing kept.
      return records.length;
    }
    return refused;
  }

  /** What earlier page loads kept, oldest first; the store no longer holds it. */
  take(): LogEntry[] {
    const entries = this.read();
    if (entries.length > 0) this.store.removeItem(this.key);
    return entries;
  }

  private read(): LogEntry[] {
    let raw: string | null;
    try {
      raw = this.store.getItem(this.key);
    } catch {
      return [];
    }
    if (raw === null) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }
}
