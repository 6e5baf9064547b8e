import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Writable } from 'node:stream';
import { createWorkerStream, type LogferryError } from '@logferry/core';
import { startEmulator, type Emulator } from '@logferry/emulator';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('createWorkerStream (what runs behind thread-stream)', () => {
  it('flush() covers every line of a chunk even while the chunk is still being split across turns', async () => {
    emu = await startEmulator();
    const errors: LogferryError[] = [];
    const stream = await createWorkerStream(
      { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 60_000 } },
      { onError: (e) => errors.push(e) },
    );
    // 5,000 lines in one chunk: split 1,000 per event-loop turn, so most are still unsplit when flush() arrives.
    const total = 5000;
    const chunk = Array.from({ length: total }, (_, n) => `{"level":30,"time":${Date.now()},"msg":"${n}"}\n`).join('');
    stream.write(chunk);
    const flush = (stream as unknown as { flush(cb: (err?: Error | null) => void): void }).flush.bind(stream);
    await new Promise<void>((resolve, reject) => flush((err) => (err ? reject(err) : resolve())));
    expect(emu.datamix.records).toHaveLength(total);
    expect(emu.datamix.records.map((r) => Number(r.message))).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(errors).toEqual([]);
    await new Promise<void>((resolve) => stream.end(resolve));
  });

  it('lines cut anywhere across chunks (CRLF split too, blank lines, non-ASCII) arrive whole, in order, once', async () => {
    emu = await startEmulator();
    const server = emu;
    const line = fc.record({
      msg: fc.string({ unit: fc.constantFrom('a', 'é', '中', ' ', '"', '\\', '\n'), maxLength: 12 }),
      crlf: fc.boolean(),
      blankAfter: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 12 }), async (lines, cuts) => {
        server.reset();
        const stream = await createWorkerStream(
          { sink: { type: 'datamix', apiKey: 'test-key', url: server.url }, batch: { intervalMs: 60_000 } },
          { onError: (e) => expect.fail(e.message) },
        );
        const now = Date.now();
        const text = lines
          .map((l, n) => `{"level":30,"time":${now},"msg":${JSON.stringify(`${n}:${l.msg}`)}}${l.crlf ? '\r\n' : '\n'}${l.blankAfter ? '\n' : ''}`)
          .join('');
        const at = [...new Set(cuts.map((c) => c % text.length))].sort((x, y) => x - y);
        const chunks = [0, ...at].map((from, k) => text.slice(from, at[k] ?? text.length)).filter((c) => c !== '');
        for (const chunk of chunks) stream.write(chunk);
        await new Promise<void>((resolve) => stream.end(resolve));
        expect(server.datamix.records.map((r) => r.message)).toEqual(lines.map((l, n) => `${n}:${l.msg}`));
        expect(server.violations).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('a last line with no newline is delivered at the end, its trailing CR dropped like any CRLF line', async () => {
    emu = await startEmulator();
    const stream = await createWorkerStream(
      { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 60_000 } },
      { onError: () => undefined },
    );
    // Not JSON, so the line itself is the message: a CR left on it would be sent.
    stream.write(`{"level":30,"time":${Date.now()},"msg":"first"}\r\nplain last line\r`);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(emu.datamix.records.map((r) => r.message)).toEqual(['first', 'plain last line']);
  });

  it('during an outage (nothing to wait for) splits on past the backlog high-water mark, then delivers every line once', async () => {
    emu = await startEmulator();
    const server = emu;
    // Down until ended: the client's requests fail, so it is unhealthy and capacity() never asks the splitter to wait.
    server.faults.down();
    const stream = (await createWorkerStream(
      { sink: { type: 'datamix', apiKey: 'test-key', url: server.url }, batch: { maxEvents: 20, intervalMs: 10 }, retry: { baseMs: 10, maxMs: 50 } },
      { onError: () => undefined },
    )) as Writable & { stats(): { buffered: number; inFlight: number; failedRequests: number } };
    const total = 3000;
    // Three chunks of 1,000 lines: one turn each, each past the high-water mark (20 records per lane) after its first lines.
    for (let k = 0; k < 3; k++) stream.write(Array.from({ length: 1000 }, (_, i) => `{"level":30,"time":${Date.now()},"msg":"${k * 1000 + i}"}\n`).join(''));
    await server.waitFor(() => {
      const s = stream.stats();
      return s.failedRequests > 0 && s.buffered + s.inFlight === total;
    });
    server.faults.down(0);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(server.datamix.records.map((r) => Number(r.message))).toEqual(Array.from({ length: total }, (_, n) => n));
  });

  it('holds its write callback once more text waits than it may keep unsplit, and still delivers every line once', async () => {
    emu = await startEmulator();
    // Every logs request is slow, so splitting waits on capacity after one batch per session.
    emu.faults.delayNext(1000, 30, { path: 'logs' });
    // buffer.maxBytes 64 KiB: at most 16 Ki characters may wait unsplit.
    const stream = await createWorkerStream(
      { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { maxEvents: 20, intervalMs: 10 }, buffer: { maxBytes: 64 * 1024 } },
      { onError: (e) => expect.fail(e.message) },
    );
    const perChunk = 250;
    const chunkOf = (k: number): string =>
      Array.from({ length: perChunk }, (_, i) => `{"level":30,"time":${Date.now()},"msg":"${k * perChunk + i}"}\n`).join('');
    const first = chunkOf(0);
    expect(first.length).toBeGreaterThan(8 * 1024);
    const written: boolean[] = [];
    const write = (s: Writable, chunk: string, k: number): void => {
      written[k] = false;
      s.write(chunk, () => {
        written[k] = true;
      });
    };
    write(stream, first, 0);
    write(stream, chunkOf(1), 1);
    await new Promise((resolve) => setImmediate(resolve));
    // The first chunk was taken at once; with two waiting (> 16 Ki characters), the second one's callback is held.
    expect(written).toEqual([true, false]);
    for (let k = 2; k < 6; k++) write(stream, chunkOf(k), k);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(written).toEqual([true, true, true, true, true, true]);
    expect(emu.datamix.records.map((r) => Number(r.message))).toEqual(Array.from({ length: 6 * perChunk }, (_, n) => n));
  });
});
