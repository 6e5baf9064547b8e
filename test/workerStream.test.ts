import { afterEach, describe, expect, it } from 'vitest';
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
      { expectPinoConfig: false, onError: (e) => errors.push(e) },
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
});
