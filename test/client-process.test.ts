import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { runFixture } from './support/children.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

it('awaiting flush() keeps a script alive through retries (the retry timer is only unref\'d in the background)', async () => {
  emu.faults.failNext(3, { status: 503, path: 'logs' });
  const result = await runFixture('flush-awaits-retries.mjs', [emu.url]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ delivered: 1, retries: 3, dropped: 0, spooled: 0 });
  expect(emu.datamix.records.map((r) => r.message)).toEqual(['waited for']);
});
