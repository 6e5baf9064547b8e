import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseOptions } from '../src/options/options.js';
import { GROW_AFTER_MS } from '../src/pipeline/laneGrowth.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { delivered, ScriptedSink } from './support/scriptedSink.js';

/** The pipeline's lanes against a scripted sink: fake timers, every answer chosen by the test. */
function pipeline(sink: ScriptedSink, sessions: unknown, batch: Record<string, number> = { maxEvents: 10 }): Pipeline {
  const resolved = parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234', sessions }, batch });
  return new Pipeline(resolved, {}, { sink, secrets: ['secret-key-1234'] });
}

let logged = 0;
const log = (p: Pipeline, n: number): void => {
  for (let i = 0; i < n; i++) p.log({ level: 'info', msg: `record ${logged++}` });
};

/** Answers every send `ms` after it was made (each lane a server that takes `ms` a request). */
function answerDue(sink: ScriptedSink, ms: number): void {
  for (const call of sink.calls) if (!call.answered && Date.now() - call.at >= ms) call.answer(delivered());
}

beforeEach(() => {
  logged = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pipeline lanes with a scripted sink', { timeout: 20_000 }, () => {
  it('sessions: 4 sends on four lanes at once, never two requests on one lane, every record once', async () => {
    const sink = new ScriptedSink(4);
    const p = pipeline(sink, 4);
    log(p, 200);
    await sink.untilCalls(4);
    expect(sink.calls.map((c) => c.lane).sort()).toEqual([0, 1, 2, 3]);
    expect(sink.maxInFlight).toBe(4);
    const flushed = p.flush();
    for (let i = 0; i < 200 && sink.calls.some((c) => !c.answered); i++) {
      answerDue(sink, 0);
      await vi.advanceTimersByTimeAsync(1);
    }
    await flushed;
    expect(sink.calls.flatMap((c) => c.seqs).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(sink.maxInFlightPerLane).toBe(1);
    expect(p.stats()).toMatchObject({ delivered: 200, lanesOpen: 4 });
  });

  it('sessions: { min: 1, max: 4 }: a load one lane cannot carry opens lanes one at a time, a quiet period closes them down to min', async () => {
    const sink = new ScriptedSink(4, { range: { min: 1, max: 4, idleMs: 5000 } });
    const p = pipeline(sink, { min: 1, max: 4, idleMs: 5000 });
    const opened: { lane: number; at: number }[] = [];
    const lanesAt: number[] = [];
    // 400 records/s in; a lane answers a batch of 10 in 100 ms (100 records/s): four lanes carry it.
    for (let t = 0; t < 25_000; t += 10) {
      if (t < 8000 && t % 50 === 0) log(p, 20);
      answerDue(sink, 100);
      for (const c of sink.calls) if (!opened.some((o) => o.lane === c.lane)) opened.push({ lane: c.lane, at: c.at });
      if (t % 1000 === 0) lanesAt.push(p.stats().lanesOpen);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(opened.map((o) => o.lane)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < opened.length; i++) expect(opened[i]!.at - opened[i - 1]!.at).toBeGreaterThanOrEqual(GROW_AFTER_MS);
    expect(Math.max(...lanesAt)).toBe(4);
    expect(p.stats()).toMatchObject({ delivered: logged, lanesOpen: 1, inFlight: 0 });
    expect(sink.closedLanes).toEqual([3, 2, 1]);
    expect(sink.maxInFlightPerLane).toBe(1);
  });

  it('sessions: { min: 1, max: 4 }: a load one lane carries opens no other', async () => {
    const sink = new ScriptedSink(4, { range: { min: 1, max: 4, idleMs: 5000 } });
    const p = pipeline(sink, { min: 1, max: 4, idleMs: 5000 });
    // 50 records/s in; one lane carries 100 records/s.
    for (let t = 0; t < 10_000; t += 10) {
      if (t % 100 === 0) log(p, 5);
      answerDue(sink, 100);
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(2000);
    answerDue(sink, 0);
    await p.flush();
    expect(new Set(sink.calls.map((c) => c.lane))).toEqual(new Set([0]));
    expect(p.stats()).toMatchObject({ delivered: logged, lanesOpen: 1 });
  });

  it('rejects a range with min above max, naming the field', () => {
    expect(() => parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234', sessions: { min: 5, max: 2 } } })).toThrow(/sink\.sessions\.min: min must be at most max/);
    expect(() => parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234', sessions: { min: 1 } } })).toThrow(/sink\.sessions/);
  });
});
