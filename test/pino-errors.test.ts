import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import pino from 'pino';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { fixture, runFixture } from './support/children.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

it('the onError module receives each error report in the worker (and never the key)', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logferry-onerror-')), 'errors.ndjson');
  process.env.LOGFERRY_TEST_ERRORS = file;
  const transport = pino.transport({
    target: '@logferry/pino',
    options: { sink: { type: 'datamix', apiKey: 'key-that-is-wrong', url: emu.url }, onError: fixture('on-error-handler.mjs') },
  });
  const logger = pino(transport);
  logger.info('doomed');
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  await emu.waitFor(() => existsSync(file), 10_000);
  const reports = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: string; message: string });
  expect(reports.map((r) => r.code)).toEqual(['LOGFERRY_AUTH_FAILED']);
  expect(readFileSync(file, 'utf8')).not.toContain('key-that-is-wrong');
  transport.end();
});

it('with createTransport(), a dead worker does not take the app down, and logging does not pile up', async () => {
  const result = await runFixture('worker-crash.mjs', [emu.url]);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/still alive/);
  expect(result.stderr).toMatch(/LOGFERRY_WORKER: the logferry worker stopped/);
  expect(emu.datamix.records.map((r) => r.message.split(' ')[0])).toEqual(['before']);
});
