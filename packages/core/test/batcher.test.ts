import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordQueue, type WhenFull } from '../src/pipeline/recordQueue.js';
import type { LogRecord } from '../src/record/record.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

function rec(seq: number, bytes: number): LogRecord {
  return { level: 'info', time: 1_700_000_000_000 + seq, text: `r${seq}`, seq, bytes };
}
const seqs = (records: readonly LogRecord[]): number[] => records.map((r) => r.seq);

type Op =
  | { kind: 'push'; bytes: number }
  | { kind: 'take'; maxEvents: number; maxBytes: number }
  | { kind: 'drain' };

/** The obvious reference: an array, shifted and pushed. */
class Model {
  items: LogRecord[] = [];
  constructor(readonly maxBytes: number, readonly whenFull: WhenFull) {}
  get bytes(): number {
    return this.items.reduce((sum, r) => sum + r.bytes, 0);
  }
  push(r: LogRecord): LogRecord[] {
    if (this.bytes + r.bytes <= this.maxBytes) {
      this.items.push(r);
      return [];
    }
    if (this.whenFull === 'drop-newest' || r.bytes > this.maxBytes) return [r];
    const dropped: LogRecord[] = [];
    while (this.bytes + r.bytes > this.maxBytes) dropped.push(this.items.shift() as LogRecord);
    this.items.push(r);
    return dropped;
  }
  take(maxEvents: number, maxBytes: number): LogRecord[] {
    const batch: LogRecord[] = [];
    let size = 0;
    while (batch.length < maxEvents && this.items.length > 0) {
      const next = this.items[0] as LogRecord;
      if (batch.length > 0 && size + next.bytes > maxBytes) break;
      batch.push(next);
      size += next.bytes;
      this.items.shift();
    }
    return batch;
  }
  drain(): LogRecord[] {
    return this.items.splice(0);
  }
}

const opArb = (maxBytes: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: Math.ceil(maxBytes * 0.6) }).map((bytes): Op => ({ kind: 'push', bytes })) },
    { weight: 1, arbitrary: fc.integer({ min: maxBytes - 2, max: maxBytes + 5 }).map((bytes): Op => ({ kind: 'push', bytes })) },
    {
      weight: 3,
      arbitrary: fc
        .record({ maxEvents: fc.integer({ min: 1, max: 8 }), maxBytes: fc.integer({ min: 1, max: maxBytes }) })
        .map((t): Op => ({ kind: 'take', ...t })),
    },
    { weight: 1, arbitrary: fc.constant<Op>({ kind: 'drain' }) },
  );

const scenarioArb = fc
  .record({ maxBytes: fc.integer({ min: 1, max: 400 }), whenFull: fc.constantFrom<WhenFull>('drop-oldest', 'drop-newest') })
  .chain((cfg) => fc.record({ maxBytes: fc.constant(cfg.maxBytes), whenFull: fc.constant(cfg.whenFull), ops: fc.array(opArb(cfg.maxBytes), { maxLength: 80 }) }));

describe('RecordQueue model test', () => {
  it('matches an array model; FIFO, exact bytes, bounded, nothing lost or duplicated', () => {
    fc.assert(
      fc.property(scenarioArb, ({ maxBytes, whenFull, ops }) => {
        const queue = new RecordQueue(maxBytes, whenFull);
        const model = new Model(maxBytes, whenFull);
        const outcome = new Map<number, string[]>(); // seq → where it ended up
        const note = (records: readonly LogRecord[], where: string): void => {
          for (const r of records) outcome.set(r.seq, [...(outcome.get(r.seq) ?? []), where]);
        };
        let seq = 0;
        let lastOut = 0; // taken/drained records leave in increasing seq order (FIFO)
        const checkFifo = (records: readonly LogRecord[]): void => {
          for (const r of records) {
            expect(r.seq).toBeGreaterThan(lastOut);
            lastOut = r.seq;
          }
        };
        for (const op of ops) {
          if (op.kind === 'push') {
            const r = rec(++seq, op.bytes);
            const dropped = queue.push(r, seq);
            const expected = model.push(r);
            expect(seqs(dropped)).toEqual(seqs(expected));
            if (whenFull === 'drop-newest') expect(dropped.length === 0 || (dropped.length === 1 && dropped[0] === r)).toBe(true);
            note(dropped, 'dropped');
          } else if (op.kind === 'take') {
            const batch = queue.take(op.maxEvents, op.maxBytes);
            expect(seqs(batch)).toEqual(seqs(model.take(op.maxEvents, op.maxBytes)));
            if (queue.length + batch.length > 0) expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(op.maxEvents);
            if (batch.length > 1) expect(batch.reduce((s, r) => s + r.bytes, 0)).toBeLessThanOrEqual(op.maxBytes);
            checkFifo(batch);
            note(batch, 'taken');
          } else {
            const all = queue.drain();
            expect(seqs(all)).toEqual(seqs(model.drain()));
            checkFifo(all);
            note(all, 'drained');
          }
          expect(queue.length).toBe(model.items.length);
          expect(queue.bytes).toBe(model.bytes);
          expect(queue.bytes).toBeLessThanOrEqual(maxBytes);
          expect(queue.peek()?.seq).toBe(model.items[0]?.seq);
        }
        const rest = queue.drain();
        checkFifo(rest);
        note(rest, 'drained');
        expect(queue.length).toBe(0);
        expect(queue.bytes).toBe(0);
        // Every record pushed ended up exactly once: taken, drained or dropped.
        expect(outcome.size).toBe(seq);
        for (let s = 1; s <= seq; s++) expect(outcome.get(s)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('compacts its array without losing order over many records', () => {
    const queue = new RecordQueue(1_000_000, 'drop-oldest');
    for (let i = 1; i <= 9_000; i++) queue.push(rec(i, 10), i);
    const out: number[] = [];
    for (let round = 1; round <= 60; round++) {
      for (const r of queue.take(97, 1_000_000)) out.push(r.seq);
      queue.push(rec(9_000 + round, 10), 0);
    }
    expect(out).toEqual(Array.from({ length: 5_820 }, (_, i) => i + 1));
    expect(queue.bytes).toBe((9_060 - 5_820) * 10);
    // Arrival times move with their records: the oldest waiting record arrived at 5,821.
    expect(queue.oldestAt).toBe(5_821);
    expect(seqs(queue.drain())).toEqual(Array.from({ length: 9_060 - 5_820 }, (_, i) => 5_821 + i));
    // A drained queue is empty and usable again.
    expect(queue.oldestAt).toBe(0);
    queue.push(rec(10_000, 10), 42);
    expect(queue.oldestAt).toBe(42);
    expect(seqs(queue.take(5, 1_000))).toEqual([10_000]);
  });
});

describe('RecordQueue push', () => {
  it('drop-oldest evicts the oldest records and returns them', () => {
    const queue = new RecordQueue(100, 'drop-oldest');
    queue.push(rec(1, 40), 0);
    queue.push(rec(2, 40), 0);
    const dropped = queue.push(rec(3, 50), 0);
    expect(seqs(dropped)).toEqual([1]);
    expect(seqs(queue.drain())).toEqual([2, 3]);
  });

  it('drop-newest returns the new record and keeps the queue', () => {
    const queue = new RecordQueue(100, 'drop-newest');
    queue.push(rec(1, 40), 0);
    queue.push(rec(2, 40), 0);
    const r3 = rec(3, 50);
    expect(queue.push(r3, 0)).toEqual([r3]);
    expect(seqs(queue.drain())).toEqual([1, 2]);
  });

  it('a record larger than the whole buffer is refused without evicting anything', () => {
    const queue = new RecordQueue(100, 'drop-oldest');
    queue.push(rec(1, 40), 0);
    const big = rec(2, 101);
    expect(queue.push(big, 0)).toEqual([big]);
    expect(seqs(queue.drain())).toEqual([1]);
  });

  it('a record of exactly maxBytes fits', () => {
    const queue = new RecordQueue(100, 'drop-oldest');
    queue.push(rec(1, 40), 0);
    expect(seqs(queue.push(rec(2, 100), 0))).toEqual([1]);
    expect(queue.bytes).toBe(100);
  });
});

describe('RecordQueue take and ready', () => {
  it('take always returns at least one record, even one larger than maxBytes', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 5_000), 0);
    queue.push(rec(2, 10), 0);
    expect(seqs(queue.take(10, 100))).toEqual([1]);
    expect(seqs(queue.take(10, 100))).toEqual([2]);
    expect(queue.take(10, 100)).toEqual([]);
  });

  it('an empty queue is never ready', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    expect(queue.ready(1, 1, 0, 1e12)).toBe(false);
  });

  it('ready when maxEvents records are waiting', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 1), 1000);
    queue.push(rec(2, 1), 1000);
    expect(queue.ready(3, 10_000, 5_000, 1000)).toBe(false);
    queue.push(rec(3, 1), 1000);
    expect(queue.ready(3, 10_000, 5_000, 1000)).toBe(true);
  });

  it('ready when maxBytes are waiting', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 60), 1000);
    expect(queue.ready(100, 100, 5_000, 1000)).toBe(false);
    queue.push(rec(2, 40), 1000);
    expect(queue.ready(100, 100, 5_000, 1000)).toBe(true);
  });

  it('ready when the oldest record has waited intervalMs', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 1), 1000);
    queue.push(rec(2, 1), 1500);
    expect(queue.oldestAt).toBe(1000);
    expect(queue.ready(100, 10_000, 1000, 1999)).toBe(false);
    expect(queue.ready(100, 10_000, 1000, 2000)).toBe(true);
    expect(queue.ready(100, 10_000, 0, 1000)).toBe(true);
  });

  it('the interval restarts when the queue empties and refills', () => {
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 1), 1000);
    queue.take(10, 10_000);
    queue.push(rec(2, 1), 5000);
    expect(queue.oldestAt).toBe(5000);
    expect(queue.ready(100, 10_000, 1000, 5500)).toBe(false);
  });

  it('after a partial take, oldestAt is the arrival of the oldest record still waiting', () => {
    // Regression: oldestAt is documented as "when the oldest record still waiting arrived", but take()
    // (and drop-oldest eviction) never advance it, so ready() fires early for the records left behind.
    const queue = new RecordQueue(10_000, 'drop-oldest');
    queue.push(rec(1, 1), 0);
    queue.push(rec(2, 1), 900);
    expect(seqs(queue.take(1, 10_000))).toEqual([1]);
    expect(queue.oldestAt).toBe(900);
    expect(queue.ready(100, 10_000, 1000, 1000)).toBe(false);
  });
});

describe('RecordQueue.putBack', () => {
  it('property: a batch put back goes first, in order, ready at once; bytes exact, nothing dropped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }).map((n) => ({ push: n })), fc.integer({ min: 1, max: 200 }).map((n) => ({ takeBack: n }))), {
          maxLength: 12,
        }),
        (ops) => {
          const queue = new RecordQueue(1e9, 'drop-oldest');
          let model: LogRecord[] = [];
          let seq = 0;
          for (const op of ops) {
            if ('push' in op) {
              for (let i = 0; i < op.push; i++) {
                const r = rec(++seq, 1 + (seq % 7));
                queue.push(r, 1_000_000);
                model.push(r);
              }
            } else {
              const batch = queue.take(op.takeBack, 1e9);
              expect(seqs(batch)).toEqual(seqs(model.slice(0, batch.length)));
              for (let i = 0; i < 3; i++) {
                const r = rec(++seq, 2);
                queue.push(r, 1_000_000);
                model.push(r);
              }
              queue.putBack(batch);
              if (batch.length > 0) expect(queue.ready(1e9, 1e9, 1000, 1_000_000)).toBe(true);
            }
            expect(queue.length).toBe(model.length);
            expect(queue.bytes).toBe(model.reduce((s, r) => s + r.bytes, 0));
            expect(queue.peek()?.seq).toBe(model[0]?.seq);
          }
          expect(seqs(queue.drain())).toEqual(seqs(model));
          model = [];
        },
      ),
    );
  });

  it('puts back a batch whose take compacted the queue (no free slots left in front)', () => {
    const queue = new RecordQueue(1e9, 'drop-oldest');
    for (let s = 1; s <= 10_000; s++) queue.push(rec(s, 1), 1_000_000);
    const first = queue.take(6000, 1e9); // compacts: the rest now starts at index 0
    queue.putBack(first);
    expect(queue.length).toBe(10_000);
    expect(queue.bytes).toBe(10_000);
    expect(queue.ready(1e9, 1e9, 1000, 1_000_000)).toBe(true);
    expect(seqs(queue.drain())).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });
});
