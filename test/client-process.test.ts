import { createServer, type AddressInfo, type Socket } from 'node:net';
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

it('a main-thread client that never logs makes no request and does not keep the script alive (only workers open their session at start)', async () => {
  const connections: Socket[] = [];
  const silent = createServer((socket) => connections.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    // A session request to this server would hang for requestTimeoutMs (15 s) and hold the script that long.
    const result = await runFixture('idle-client.mjs', [`http://127.0.0.1:${(silent.address() as AddressInfo).port}`], { timeoutMs: 10_000 });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ logged: 0, requests: 0 });
    expect(connections).toEqual([]);
  } finally {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});
