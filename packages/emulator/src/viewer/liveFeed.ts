import type { ServerResponse } from 'node:http';
import type { StateSources } from '../state.js';
import type { Violation } from '../types.js';
import { FEED_SOURCES, type ViewerRecord } from './feedSources.js';

/** Rows a page gets when it connects: the newest, so a busy emulator does not send it 100k rows. */
const SNAPSHOT_ROWS = 500;
const TICK_MS = 1000;
const RATE_WINDOW_MS = 5000;

interface Counters {
  records: number;
  recordsPerSecond: number;
  sessions: number;
  liveSessions: number;
  buckets: number;
  violations: number;
  faultsInjected: number;
}

/**
 * Server-sent events for the viewer. After every API request (and once a
 * second, which also keeps proxies from closing the stream) it compares the
 * inspection state's counters with what it last sent and pushes only what is
 * new: `records`, `violations`, `counters`. Trimmed lists are fine: a total
 * that grew by n means the last n entries are new.
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private seen: number[] = FEED_SOURCES.map(() => 0);
  private seenViolations = 0;
  private samples: { at: number; records: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: StateSources,
    /** The emulator's clock: sessions expire by it. */
    private readonly now: () => number,
  ) {
    this.resync();
  }

  /** GET /_emulator/events: a snapshot, then changes as they happen. */
  open(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 1000\n\n');
    // Bring the pages already open up to date first: the snapshot below then covers exactly what was seen.
    this.changed();
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTicking();
    });
    const records = FEED_SOURCES.flatMap((source) => source.read(this.sources).list.slice(-SNAPSHOT_ROWS).map((item) => source.row(item)))
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .slice(-SNAPSHOT_ROWS);
    this.send(res, 'snapshot', { records, violations: this.sources.violations.list.slice(-SNAPSHOT_ROWS), counters: this.counters() });
    this.timer ??= setInterval(() => this.changed(), TICK_MS);
  }

  /** Pushes what arrived since the last call to every open page. */
  changed(): void {
    if (this.clients.size === 0) {
      this.resync();
      return;
    }
    const records: ViewerRecord[] = [];
    FEED_SOURCES.forEach((source, i) => {
      const { list, total } = source.read(this.sources);
      const fresh = Math.min(Math.max(total - (this.seen[i] ?? 0), 0), list.length);
      for (const item of list.slice(list.length - fresh)) records.push(source.row(item));
      this.seen[i] = total;
    });
    const violations: Violation[] = this.freshViolations();
    for (const res of this.clients) {
      if (records.length > 0) this.send(res, 'records', records);
      if (violations.length > 0) this.send(res, 'violations', violations);
      this.send(res, 'counters', this.counters());
    }
  }

  close(): void {
    this.stopTicking();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private freshViolations(): Violation[] {
    const { list, total } = this.sources.violations;
    // A reset() lowers the total: start counting again from there.
    const fresh = Math.min(Math.max(total - this.seenViolations, 0), list.length);
    this.seenViolations = total;
    return list.slice(list.length - fresh);
  }

  /** Counts as they are now, so only later arrivals are pushed (also after a reset()). */
  private resync(): void {
    this.seen = FEED_SOURCES.map((source) => source.read(this.sources).total);
    this.seenViolations = this.sources.violations.total;
  }

  private counters(): Counters {
    const records = FEED_SOURCES.reduce((sum, source) => sum + source.read(this.sources).total, 0);
    const now = this.now();
    this.samples.push({ at: now, records });
    this.samples = this.samples.filter((s) => now - s.at <= RATE_WINDOW_MS);
    const first = this.samples[0];
    const span = first ? (now - first.at) / 1000 : 0;
    const recordsPerSecond = first && span > 0 ? Math.max(0, (records - first.records) / span) : 0;
    const { datamix, initialState, violations, injected } = this.sources;
    return {
      records,
      recordsPerSecond: Math.round(recordsPerSecond * 10) / 10,
      sessions: datamix.sessionCreations,
      liveSessions: datamix.sessions.filter((s) => s.expiresAt > now).length,
      buckets: initialState.buckets.length,
      violations: violations.total,
      faultsInjected: injected.length,
    };
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    // JSON has no raw newlines, so one data: line carries it.
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
