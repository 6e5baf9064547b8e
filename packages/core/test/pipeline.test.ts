import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogferryError } from '../src/errors/logferryError.js';
import { parseOptions } from '../src/options/options.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { delivered, MemorySpool, ScriptedSink } from './support/scriptedSink.js';

/** The pipeline against a scripted sink: no socket, fake timers, every answer chosen by the test. */
function pipeline(sink: ScriptedSink, options: Record<string, unknown> = {}, spool?: MemorySpool): Pipeline {
  const resolved = parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234' }, ...options });
  return new Pipeline(resolved, {}, { sink, ...(spool ? { spool } : {}), secrets: ['secret-key-1234'] });
}

const log = (p: Pipeline, n: number): void => {
  for (let i = 0; i < n; i++) p.log({ level: 'info', msg: `record ${i}` });
};

/** Lets promise callbacks run (the pipeline's lanes are async functions). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

const retry = (retryAfterMs?: number) => ({
  kind: 'retry' as const,
  error: new LogferryError('LOGFERRY_HTTP', 'HTTP 503'),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

// A wrong pipeline leaves a test waiting for a send that never comes: fail it soon.
describe('pipeline with a scripted sink', { timeout: 10_000 }, () => {
  it('waits out Retry-After before the next attempt, then delivers every record once', async () => {
    const sink = new ScriptedSink();
    const p = pipeline(sink);
    log(p, 3);
    const flushed = p.flush();
    await sink.untilCalls(1);
    sink.calls[0]!.answer(retry(2000));
    await settle();
    await vi.advanceTimersByTimeAsync(1999);
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await sink.untilCalls(2);
    expect(sink.calls[1]!.seqs).toEqual([1, 2, 3]);
    sink.calls[1]!.answer(delivered());
    await flushed;
    expect(p.stats()).toMatchObject({ delivered: 3, retries: 1, failedRequests: 1, requests: 2, inFlight: 0 });
  });

  it('gives up after retry.maxElapsedMs and spools the batch', async () => {
    const sink = new ScriptedSink();
    sink.auto = () => retry();
    const spool = new MemorySpool();
    const p = pipeline(sink, { retry: { baseMs: 100, maxMs: 1000, maxElapsedMs: 5000 } }, spool);
    log(p, 2);
    const flushed = p.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    await flushed;
    await vi.advanceTimersByTimeAsync(1);
    expect(spool.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(p.stats()).toMatchObject({ delivered: 0, spooled: 2, dropped: 0 });
    expect(p.stats().lastError?.code).toBe('LOGFERRY_GAVE_UP');
  });

  it('splits a batch the API finds too large until each part fits, in order, once each', async () => {
    const sink = new ScriptedSink();
    sink.auto = (records) => (records.length > 2 ? { kind: 'split' } : delivered());
    const p = pipeline(sink);
    log(p, 9);
    await p.flush();
    const sent = sink.calls.filter((c) => c.seqs.length <= 2).flatMap((c) => c.seqs);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.stats()).toMatchObject({ delivered: 9, rejected: 0 });
  });

  it('rejects a single record that is still too large, without retrying it', async () => {
    const sink = new ScriptedSink();
    sink.auto = () => ({ kind: 'split' });
    const p = pipeline(sink);
    log(p, 1);
    await p.flush();
    expect(sink.calls).toHaveLength(1);
    expect(p.stats()).toMatchObject({ delivered: 0, rejected: 1, rejectedReasons: { 'record too large for the API': 1 } });
  });

  it('a lane that starts retrying gives its prepared next batch back, and an idle lane sends it', async () => {
    const sink = new ScriptedSink(2, { prepares: true });
    const p = pipeline(sink, { batch: { maxEvents: 2 }, sink: { type: 'datamix', apiKey: 'secret-key-1234', sessions: 2 } });
    log(p, 6);
    await sink.untilCalls(2);
    expect(sink.calls.map((c) => [c.lane, c.seqs])).toEqual([[0, [1, 2]], [1, [3, 4]]]);
    // Both lanes busy and a whole batch waiting: lane 0 holds it as its next.
    expect(sink.prepared).toEqual([{ lane: 0, seqs: [5, 6] }]);
    sink.calls[1]!.answer(delivered());
    await settle();
    // Lane 0 fails: rather than wait out its retry, [5, 6] goes back and lane 1 takes it.
    sink.calls[0]!.answer(retry(60_000));
    await sink.untilCalls(3);
    expect(sink.calls[2]!.lane).toBe(1);
    expect(sink.calls[2]!.seqs).toEqual([5, 6]);
    sink.calls[2]!.answer(delivered());
    await settle();
    expect(p.stats()).toMatchObject({ delivered: 4, inFlight: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    await sink.untilCalls(4);
    expect(sink.calls[3]!).toMatchObject({ lane: 0, seqs: [1, 2] });
    sink.calls[3]!.answer(delivered());
    await p.flush();
    expect(p.stats()).toMatchObject({ delivered: 6, inFlight: 0 });
    expect(sink.maxInFlightPerLane).toBe(1);
  });

  it('backpressure: capacity() waits while the API answers but is behind, and not during an outage', async () => {
    const sink = new ScriptedSink();
    const p = pipeline(sink, { batch: { maxEvents: 10 } });
    log(p, 10);
    await sink.untilCalls(1);
    expect(p.capacity()).toBeUndefined();
    log(p, 11);
    expect(p.backlogged()).toBe(true);
    let resumed = false;
    void p.capacity()!.then(() => (resumed = true));
    await settle();
    expect(resumed).toBe(false);
    sink.calls[0]!.answer(delivered());
    await sink.untilCalls(2);
    await settle();
    // The lane took the next 10: one record waits, under half the mark.
    expect(resumed).toBe(true);
    log(p, 20);
    expect(p.capacity()).toBeInstanceOf(Promise);
    // The API fails: waiting cannot help now, the bounded buffer takes over.
    sink.calls[1]!.answer(retry(60_000));
    await settle();
    expect(p.backlogged()).toBe(true);
    expect(p.capacity()).toBeUndefined();
  });

  it('backpressure: with a buffer smaller than a batch, a source that asks between requests sends the backlog now and waits for it', async () => {
    const sink = new ScriptedSink();
    // Half of a 64 KiB buffer is the mark, far below a full batch; the interval would hold the batch a minute.
    const p = pipeline(sink, { buffer: { maxBytes: 65536 }, batch: { intervalMs: 60_000 } });
    let n = 0;
    while (!p.backlogged()) p.log({ level: 'info', msg: `record ${n++}` });
    expect(sink.calls).toHaveLength(0);
    const wait = p.capacity();
    // Asking started the request: the source waits for it instead of filling the buffer to overflow.
    expect(wait).toBeInstanceOf(Promise);
    await sink.untilCalls(1);
    expect(sink.calls[0]!.seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    let resumed = false;
    void wait!.then(() => (resumed = true));
    await settle();
    expect(resumed).toBe(false);
    sink.calls[0]!.answer(delivered());
    await settle();
    expect(resumed).toBe(true);
    expect(p.stats()).toMatchObject({ delivered: n, dropped: 0 });
    // A source that cannot wait (backpressure off) starts nothing: the batch interval holds, the bound takes over.
    const off = pipeline(new ScriptedSink(), { buffer: { maxBytes: 65536, backpressure: false }, batch: { intervalMs: 60_000 } });
    while (!off.backlogged()) off.log({ level: 'info', msg: 'r' });
    expect(off.capacity()).toBeUndefined();
    await settle();
    expect(off.stats().requests).toBe(0);
  });

  it('flush resolves in order: each once what was logged before it has settled', async () => {
    const sink = new ScriptedSink();
    const p = pipeline(sink);
    const order: string[] = [];
    log(p, 2);
    void p.flush().then(() => order.push('first'));
    log(p, 2);
    void p.flush().then(() => order.push('second'));
    await sink.untilCalls(1);
    expect(sink.calls[0]!.seqs).toEqual([1, 2]);
    sink.calls[0]!.answer(delivered());
    await sink.untilCalls(2);
    await settle();
    expect(order).toEqual(['first']);
    sink.calls[1]!.answer(delivered());
    await settle();
    expect(order).toEqual(['first', 'second']);
  });

  it('close() at its deadline spools what is unanswered, oldest first, and ignores a late answer', async () => {
    const sink = new ScriptedSink();
    const spool = new MemorySpool();
    const p = pipeline(sink, { exitTimeoutMs: 500, batch: { maxEvents: 3 } }, spool);
    log(p, 5);
    await sink.untilCalls(1);
    let closed = false;
    void p.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(closed).toBe(true);
    expect(spool.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(spool.closed).toBe(true);
    sink.calls[0]!.answer(delivered());
    await settle();
    expect(p.stats()).toMatchObject({ delivered: 0, spooled: 5, dropped: 0, inFlight: 0 });
  });

  it('close() without a spool counts what is left as dropped at exit, and says to set spool.path', async () => {
    const sink = new ScriptedSink();
    const errors: LogferryError[] = [];
    const resolved = parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234' }, exitTimeoutMs: 100 });
    const p = new Pipeline(resolved, { onError: (e) => errors.push(e) }, { sink });
    log(p, 4);
    const closing = p.close();
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(p.stats()).toMatchObject({ dropped: 4, droppedReasons: { exit: 4 } });
    expect(errors.map((e) => e.message)).toEqual([
      'log records dropped: 4 (exit: not delivered within exitTimeoutMs (100 ms); the API had not answered); set spool.path to keep them',
    ]);
  });

  it('a fatal answer (bad key) stops sending: what is queued and what follows is counted once, the key never shown', async () => {
    const sink = new ScriptedSink();
    const errors: LogferryError[] = [];
    const resolved = parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234' }, batch: { maxEvents: 2 } });
    const p = new Pipeline(resolved, { onError: (e) => errors.push(e) }, { sink, secrets: ['secret-key-1234'] });
    log(p, 5);
    await sink.untilCalls(1);
    sink.calls[0]!.answer({ kind: 'fatal', error: new LogferryError('LOGFERRY_AUTH_FAILED', 'refused key secret-key-1234') });
    await settle();
    log(p, 2);
    await p.flush();
    expect(sink.calls).toHaveLength(1);
    expect(p.stats()).toMatchObject({ delivered: 0, dropped: 7, droppedReasons: { auth: 7 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('refused key [redacted]');
  });
});
