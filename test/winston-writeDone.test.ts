import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { LogferryTransport } from '@logferry/winston';
import { finished } from './support/winston.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await emu.close();
});

describe('winston transport: a record is done when log() returns', () => {
  it('a burst of logger.info() calls leaves no nextTick a record behind, and every record arrives once, in order', async () => {
    const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 50 } });
    const logger = winston.createLogger({ format: winston.format.json(), transports: [transport] });
    await emu.waitFor(() => emu.datamix.sessionCreations === 1);
    const ticks = vi.spyOn(process, 'nextTick');
    for (let i = 0; i < 1000; i++) logger.info('burst', { i });
    const scheduled = ticks.mock.calls.length;
    ticks.mockRestore();
    // readable-stream defers a write's after-step to a tick when its callback comes within the write:
    // 1,000 ticks for 1,000 records before, none now (winston's own streams mark the write done first).
    expect(scheduled).toBeLessThan(10);
    // The stream state stays consistent: nothing left pending on the transport's writable side.
    expect(transport.writableLength).toBe(0);
    await emu.waitFor(() => emu.datamix.received === 1000);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(Array.from({ length: 1000 }, (_, i) => `burst {"i":${i}}`));
    await finished(logger);
    expect(emu.datamix.received).toBe(1000);
    expect(emu.violations).toEqual([]);
  });
});
