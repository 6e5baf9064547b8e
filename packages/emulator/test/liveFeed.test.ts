import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { postJson } from './http.js';
import { firstEvent } from './sse.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ maxRecords: 5 });
});
afterEach(async () => {
  await emu.close();
});

async function logMany(n: number): Promise<void> {
  const { json } = await postJson(`${emu.url}/sessions`, { key: 'test-key' });
  const token = (json as { token: string }).token;
  const messages = Array.from({ length: n }, (_, i) => ({ level: 'info', timestamp: Date.now(), message: `m${i}` }));
  await postJson(`${emu.url}/destinations/test.app.dev/logs`, { session: token, messages });
}

it('a page that connects gets the kept records (the newest maxRecords) and the full counts', async () => {
  await logMany(20);
  const snapshot = await firstEvent(`${emu.url}/_emulator/events`);
  const data = snapshot.data as { records: { message: string }[]; counters: { records: number; sessions: number } };
  expect(data.records.map((r) => r.message)).toEqual(['m15', 'm16', 'm17', 'm18', 'm19']);
  expect(data.counters).toMatchObject({ records: 20, sessions: 1 });
});

it('after reset() a new page starts from nothing', async () => {
  await logMany(3);
  emu.reset();
  const snapshot = await firstEvent(`${emu.url}/_emulator/events`);
  expect(snapshot.data).toMatchObject({ records: [], violations: [], counters: { records: 0 } });
});
