import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { LogferryTransport } from '@logferry/winston';
import { finished } from './support/winston.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

describe('winston transport: ready before the first record', () => {
  it('the worker starts and opens its first session when the transport is added to a logger, so the first record waits for neither', async () => {
    const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 50 } });
    const logger = winston.createLogger({ levels: winston.config.syslog.levels, level: 'debug', transports: [transport] });
    await emu.waitFor(() => emu.datamix.sessionCreations === 1);
    expect(emu.datamix.received).toBe(0);
    // The worker was started with the logger's levels (taken on 'pipe'): a syslog level maps as syslog's.
    logger.log('warning', 'first', { n: 1 });
    logger.log('crit', 'second', { n: 2 });
    await emu.waitFor(() => emu.datamix.received === 2);
    expect(emu.datamix.records.map((r) => [r.level, r.message])).toEqual([
      ['warn', 'first {"n":1}'],
      ['fatal', 'second {"n":2}'],
    ]);
    expect(emu.datamix.sessionCreations).toBe(1);
    await finished(logger);
    expect(emu.violations).toEqual([]);
  });
});
