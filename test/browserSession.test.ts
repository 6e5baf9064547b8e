import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A local server that answers every request 200 with `body`, as something other than Datamix might. */
async function answering(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function failure(url: string, apiKey: string): Promise<LogferryError> {
  const error = await createBrowserSession({ sink: { type: 'datamix', apiKey, url }, allowInsecure: true }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LogferryError);
  expect((error as LogferryError).message).not.toContain(apiKey);
  return error as LogferryError;
}

it('a 200 whose body is not JSON is a clear LOGFERRY_PROTOCOL, not a SyntaxError', async () => {
  const { url, server } = await answering('<html>maintenance</html>');
  try {
    const error = await failure(url, 'secret-key-456');
    expect(error.code).toBe('LOGFERRY_PROTOCOL');
    expect(error.message).toMatch(/POST \/sessions/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it('a 200 whose body is not a whole session is LOGFERRY_PROTOCOL, not a session for "undefined.undefined.undefined"', async () => {
  emu.faults.failNext(1, { path: 'sessions', status: 200, body: { token: 'half-a-session' } });
  const error = await failure(emu.url, 'test-key');
  expect(error.code).toBe('LOGFERRY_PROTOCOL');
});

it('a request that gets no answer is LOGFERRY_HTTP', async () => {
  const { url, server } = await answering('');
  await new Promise((resolve) => server.close(resolve));
  const error = await failure(url, 'secret-key-789');
  expect(error.code).toBe('LOGFERRY_HTTP');
});
