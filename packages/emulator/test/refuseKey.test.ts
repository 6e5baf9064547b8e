import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { field, postJson } from './http.js';

const PARTS = { system: 'test', application: 'app', environment: 'dev' };
const LOGS = '/destinations/test.app.dev/logs';
let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ datamix: { keys: { 'key-A': PARTS, 'key-B': PARTS } }, initialState: { clientKeys: ['ck-A', 'ck-B'] } });
});
afterEach(async () => {
  await emu.close();
});

const message = (token: string): unknown => ({ session: token, messages: [{ level: 'info', timestamp: Date.now(), message: 'm' }] });

it('refuseKey revokes a Datamix key (new sessions and its live sessions answer 401), other keys keep working, clear() restores it', async () => {
  const tokenA = field((await postJson(`${emu.url}/sessions`, { key: 'key-A' })).json, 'token') as string;
  emu.faults.refuseKey('key-A');
  expect((await postJson(`${emu.url}/sessions`, { key: 'key-A' })).status).toBe(401);
  expect((await postJson(`${emu.url}${LOGS}`, message(tokenA))).status).toBe(401);
  const tokenB = field((await postJson(`${emu.url}/sessions`, { key: 'key-B' })).json, 'token') as string;
  expect((await postJson(`${emu.url}${LOGS}`, message(tokenB))).status).toBe(200);
  expect(emu.violations).toEqual([]);
  emu.faults.clear();
  expect((await postJson(`${emu.url}/sessions`, { key: 'key-A' })).status).toBe(200);
  expect(() => emu.faults.refuseKey('')).toThrow(/refuseKey/);
});

it('refuseKey revokes an Initial State client key for buckets and events', async () => {
  emu.faults.refuseKey('ck-A');
  const bucket = { bucketId: '6e2b8a8e-4f0b-4bde-9a65-0e7f3c1d2b4a', bucketName: 'b' };
  expect((await postJson(`${emu.url}/api/v1/buckets`, { ...bucket, clientKey: 'ck-A' })).status).toBe(401);
  expect((await postJson(`${emu.url}/batch_logs`, [], { 'x-is-clientkey': 'ck-A' })).status).toBe(401);
  expect((await postJson(`${emu.url}/api/v1/buckets`, { ...bucket, clientKey: 'ck-B' })).status).toBeLessThan(300);
});
