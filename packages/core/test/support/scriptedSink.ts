import type { LogRecord } from '../../src/record/record.js';
import type { SendResult, Sink } from '../../src/protocols/sink.js';

export interface SinkCall {
  lane: number;
  seqs: number[];
  /** Settles this call with the given result. */
  answer(result: SendResult): void;
}

export const delivered = (): SendResult => ({ kind: 'delivered', rejected: [], outOfWindow: [], restamped: 0, duplicateAvoided: false });

/**
 * A sink with no socket: every send() is recorded and waits until the test
 * answers it (or `auto` answers it at once). It checks the one rule every
 * sink has: at most one request in flight per lane.
 */
export class ScriptedSink implements Sink {
  readonly maxBatchBytes = 4 * 1024 * 1024;
  readonly calls: SinkCall[] = [];
  readonly prepared: { lane: number; seqs: number[] }[] = [];
  /** Answers each send at once from this function, when set. */
  auto: ((records: LogRecord[], lane: number) => SendResult) | undefined;
  /** Sends seen in flight at once on one lane (must stay at most 1). */
  maxInFlightPerLane = 0;
  private readonly inFlight: number[];
  private waiting: { n: number; resolve: () => void }[] = [];
  prepare: ((lane: number, records: LogRecord[]) => void) | undefined;

  constructor(
    readonly lanes = 1,
    options: { prepares?: boolean } = {},
  ) {
    this.inFlight = new Array<number>(lanes).fill(0);
    if (options.prepares) this.prepare = (lane, records) => void this.prepared.push({ lane, seqs: records.map((r) => r.seq) });
  }

  sizeOf(messageLength: number): number {
    return messageLength + 64;
  }

  send(lane: number, records: LogRecord[]): Promise<SendResult> {
    const n = ++this.inFlight[lane]!;
    this.maxInFlightPerLane = Math.max(this.maxInFlightPerLane, n);
    return new Promise<SendResult>((resolve) => {
      const answer = (result: SendResult): void => {
        this.inFlight[lane]!--;
        resolve(result);
      };
      this.calls.push({ lane, seqs: records.map((r) => r.seq), answer });
      for (const w of this.waiting.filter((w) => this.calls.length >= w.n)) w.resolve();
      this.waiting = this.waiting.filter((w) => this.calls.length < w.n);
      if (this.auto) answer(this.auto(records, lane));
    });
  }

  /** Resolves once `n` sends have been made. */
  untilCalls(n: number): Promise<void> {
    if (this.calls.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ n, resolve }));
  }

  async close(): Promise<void> {}
}

/** A spool in memory. */
export class MemorySpool {
  readonly records: LogRecord[] = [];
  closed = false;
  constructor(private readonly capacity = Infinity) {}
  append(records: readonly LogRecord[]): number {
    let refused = 0;
    for (const r of records) {
      if (this.records.length < this.capacity) this.records.push(r);
      else refused++;
    }
    return refused;
  }
  close(): void {
    this.closed = true;
  }
}
