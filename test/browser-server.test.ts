// The server half of browser logging: browserSessionHandler on node:http, as
// Express (`res`) and Fastify (`reply.raw`) hand it the same ServerResponse,
// and the emulator's CORS on the Datamix routes.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { browserSessionHandler, LogferryError, type BrowserSessionHandlerOptions } from '@logferry/core';

const KEY = 'srv-key-do-not-leak-1234';
let emu: Emulator;
let server: Server | undefined;
beforeEach(async () => {
  emu = await startEmulator({ datamix: { keys: { [KEY]: { system: 'shop', application: 'web', environment: 'test' } } } });
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await emu.close();
});

async function serve(options: BrowserSessionHandlerOptions<IncomingMessage>): Promise<string> {
  const handler = browserSessionHandler(options);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/logging-session`;
}

it('answers a session (token, expires, destination parts, url, serverTime), uncacheable, without the key', async () => {
  const url = await serve({ apiKey: KEY, url: emu.url });
  const res = await fetch(url, { method: 'POST' });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['application', 'environment', 'expires', 'serverTime', 'system', 'token', 'url']);
  expect(body).toMatchObject({ system: 'shop', application: 'web', environment: 'test', url: emu.url });
  expect(text + JSON.stringify([...res.headers])).not.toContain(KEY);
});

it('answers 502 with a short reason and no key when Datamix refuses or is down, and tells onError', async () => {
  const errors: LogferryError[] = [];
  const url = await serve({ apiKey: 'wrong-key-555', url: emu.url, onError: (e) => errors.push(e) });
  const refused = await fetch(url, { method: 'POST' });
  const text = await refused.text();
  expect(refused.status).toBe(502);
  expect(JSON.parse(text)).toEqual({ error: 'Datamix did not give a logging session', code: 'LOGFERRY_AUTH_FAILED' });
  expect(text).not.toContain('wrong-key-555');
  emu.faults.down();
  const down = await fetch(url, { method: 'POST' });
  expect(down.status).toBe(502);
  expect(errors.map((e) => e.code)).toEqual(['LOGFERRY_AUTH_FAILED', 'LOGFERRY_HTTP']);
  for (const e of errors) expect(e.message).not.toContain('wrong-key-555');
});

it('allow() refuses with 429 (a rate limit) before any session is made', async () => {
  let calls = 0;
  const url = await serve({ apiKey: KEY, url: emu.url, allow: () => ++calls <= 1 });
  expect((await fetch(url, { method: 'POST' })).status).toBe(200);
  expect((await fetch(url, { method: 'POST' })).status).toBe(429);
  expect(emu.datamix.sessionCreations).toBe(1);
});

it('checks its options at once, naming the field and never echoing the key', () => {
  expect(() => browserSessionHandler({ apiKey: KEY, url: 'http://datamix.example.com' })).toThrow(/sink\.url: plain http:\/\/ is only allowed to a loopback host/);
  const saved = process.env.DATAMIX_API_KEY;
  delete process.env.DATAMIX_API_KEY;
  try {
    expect(() => browserSessionHandler({ url: emu.url })).toThrow(/sink\.apiKey: required/);
  } finally {
    if (saved !== undefined) process.env.DATAMIX_API_KEY = saved;
  }
});

it('the emulator answers CORS on the Datamix routes: preflight, allowed origin, Date exposed; each Origin recorded', async () => {
  const origin = 'http://127.0.0.1:1';
  const pre = await fetch(`${emu.url}/destinations/shop.web.test/logs`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
  expect(pre.status).toBe(204);
  expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
  expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
  expect(pre.headers.get('access-control-allow-headers')).toContain('Content-Type');
  const post = await fetch(`${emu.url}/destinations/shop.web.test/logs`, { method: 'POST', headers: { Origin: origin }, body: '{}' });
  expect(post.headers.get('access-control-expose-headers')).toBe('Date, Retry-After');
  emu.cors.exposeDate = false;
  const hidden = await fetch(`${emu.url}/sessions`, { method: 'POST', body: JSON.stringify({ key: KEY }) });
  expect(hidden.headers.get('access-control-expose-headers')).toBe('Retry-After');
  expect(emu.cors.origins.map((o) => [o.method, o.origin])).toEqual([
    ['OPTIONS', origin],
    ['POST', origin],
    ['POST', undefined],
  ]);
  expect(emu.violations.filter((v) => v.rule === 'key-from-browser')).toEqual([]);
});

it('works as Express middleware and as a Fastify handler (reply.raw), as the README shows', async () => {
  const { default: express } = await import('express');
  const { default: Fastify } = await import('fastify');
  const handler = browserSessionHandler({ apiKey: KEY, url: emu.url });

  const app = express();
  const requireLogin = (_req: unknown, _res: unknown, next: () => void): void => next();
  app.post('/logging-session', requireLogin, handler);
  const expressServer = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => expressServer.once('listening', resolve));
  const fastify = Fastify();
  fastify.post('/logging-session', async (request, reply) => {
    reply.hijack();
    await handler(request.raw, reply.raw);
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    const urls = [`http://127.0.0.1:${(expressServer.address() as AddressInfo).port}/logging-session`, `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}/logging-session`];
    for (const url of urls) {
      const res = await fetch(url, { method: 'POST' });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ system: 'shop', application: 'web', environment: 'test', url: emu.url });
      expect(text).not.toContain(KEY);
    }
    expect(emu.datamix.sessionCreations).toBe(2);
  } finally {
    expressServer.closeAllConnections();
    await new Promise((resolve) => expressServer.close(resolve));
    await fastify.close();
  }
});
