import type { LogRecord } from '../../src/record/record.js';
import type { LaneRange } from '../../src/options/laneRange.js';
import type { SendResult, Sink } from '../../src/protocols/sink.js';

export interface SinkCall {
  lane: number;
  seqs: number[];
  /** Date.now() when the send was made. */
  at: number;
  answered: boolean;
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
  /** With `range`: lanes from range.min up to `lanes`, as Datamix's `sessions: { min, max }`. */
  readonly laneRange: LaneRange | undefined;
  /** Lanes the pipeline closed for being idle, in order. */
  readonly closedLanes: number[] = [];
  /** Sends in flight at once over all lanes, at most. */
  maxInFlight = 0;

  constructor(
    readonly lanes = 1,
    options: { prepares?: boolean; range?: LaneRange } = {},
  ) {
    this.inFlight = new Array<number>(lanes).fill(0);
    this.laneRange = options.range;
    if (options.prepares) this.prepare = (lane, records) => void this.prepared.push({ lane, seqs: records.map((r) => r.seq) });
  }

  sizeOf(messageLength: number): number {
    return messageLength + 64;
  }

  send(lane: number, records: LogRecord[]): Promise<SendResult> {
    const n = ++this.inFlight[lane]!;
    this.maxInFlightPerLane = Math.max(this.maxInFlightPerLane, n);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight.reduce((a, b) => a + b, 0));
    return new Promise<SendResult>((resolve) => {
      const call: SinkCall = {
        lane,
        seqs: records.map((r) => r.seq),
        at: Date.now(),
        answered: false,
        answer: (result: SendResult): void => {
          call.answered = true;
          this.inFlight[lane]!--;
          resolve(result);
        },
      };
      const answer = call.answer;
      this.calls.push(call);
      for (const w of this.waiting.filter((w) => this.calls.length >= w.n)) w.resolve();
      this.waiting = this.waiting.filter((w) => this.calls.length < w.n);
      if (this.auto) answer(this.auto(records, lane));
    });
  }

  closeLane(lane: number): void {
    this.closedLanes.push(lane);
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
