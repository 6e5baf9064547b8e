import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { createBrowserSession, LogferryError } from '@logferry/core';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.close();
});

it('mints a session a browser can log with, and never hands out the key', async () => {
  const session = await createBrowserSession({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
  expect(session.destination).toBe('test.app.dev');
  expect(session.expires).toBeGreaterThan(Date.now());
  expect(JSON.stringify(session)).not.toContain('test-key');

  // What the browser then does, straight to Datamix with the token.
  const res = await fetch(`${session.url}/destinations/${session.destination}/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session: session.token, messages: [{ level: 'info', timestamp: Date.now(), message: 'from the browser' }] }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { session: string };
  expect(body.session).not.toBe(session.token);
  expect(emu.datamix.records.map((r) => r.message)).toEqual(['from the browser']);
  expect(emu.violations).toEqual([]);
});

it('a wrong key is a clear LOGFERRY_AUTH_FAILED that does not echo the key', async () => {
  const error = await createBrowserSession({ sink: { type: 'datamix', apiKey: 'wrong-key-123', url: emu.url } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LogferryError);
  expect((error as LogferryError).code).toBe('LOGFERRY_AUTH_FAILED');
  expect((error as LogferryError).message).not.toContain('wrong-key-123');
});
