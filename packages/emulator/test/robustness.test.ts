import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { request } from './http.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

const PATHS = ['/sessions', '/destinations/test.app.dev/logs', '/api/v1/buckets', '/batch_logs'];

describe('robustness', () => {
  it('answers arbitrary bodies with a 2xx or 4xx, never a 5xx or a crash', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.uint8Array({ maxLength: 64 }),
      fc.anything().map((value) => JSON.stringify(value) ?? 'null'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), bodies, async (path, body) => {
        const res = await request(`${emu.url}${path}`, {
          body,
          headers: { 'content-type': 'application/json', 'x-is-clientkey': 'test-client-key' },
        });
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150, seed: 7 },
    );
    expect(emu.violations.filter((v) => v.rule === 'internal')).toEqual([]);
  });
});
