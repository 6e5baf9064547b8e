import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../packages/core/src/transport/http.js';
import { HttpClient } from '../packages/core/src/transport/nodeHttp.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<URL> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`);
}

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
}

describe('HttpClient', () => {
  it('posts the body and returns status, Date and Retry-After, reusing one keep-alive socket', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' });
        res.end(JSON.stringify({ got: Buffer.concat(chunks).toString(), type: req.headers['content-type'] }));
      });
    });
    const http = new HttpClient();
    for (const body of ['{"a":"é"}', new TextEncoder().encode('[1]')]) {
      const res = await http.post(url, body, { timeoutMs: 5000 });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
      expect(res.headers.date).toMatch(/GMT$/);
      expect(JSON.parse(res.body)).toEqual({ got: typeof body === 'string' ? body : '[1]', type: 'application/json' });
    }
    expect(sockets.size).toBe(1);
    await http.close();
  });

  it('a refused connection was not sent; a reset after the request was (maybe)', async () => {
    const url = await serve((req) => req.socket.destroy());
    const http = new HttpClient();
    const reset = await failure(http.post(url, '{}', { timeoutMs: 5000 }));
    expect(reset).toMatchObject({ sent: true, timedOut: false });
    const port = url.port;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const refused = await failure(http.post(new URL(`http://127.0.0.1:${port}/logs`), '{}', { timeoutMs: 5000 }));
    expect(refused).toMatchObject({ sent: false, timedOut: false });
    await http.close();
  });

  it('times out a hanging request, and a response cut short is an error', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => req.socket.destroy(), 20);
      }
      // otherwise: never answer
    });
    const http = new HttpClient();
    const hung = await failure(http.post(url, '{}', { timeoutMs: 200 }));
    expect(hung).toMatchObject({ sent: true, timedOut: true });
    expect(hung.message).toContain('timed out after 200 ms');
    const cut = await failure(http.post(new URL('/cut', url), '{}', { timeoutMs: 5000 }));
    expect(cut).toMatchObject({ sent: true, timedOut: false });
    await http.close();
  });

  it('the caller’s signal ends a request in flight, and one already aborted sends nothing', async () => {
    let arrived = 0;
    const url = await serve(() => {
      arrived++; // never answer
    });
    const http = new HttpClient();
    const controller = new AbortController();
    const pending = failure(http.post(url, '{}', { timeoutMs: 60_000, signal: controller.signal }));
    await vi.waitFor(() => expect(arrived).toBe(1));
    controller.abort();
    expect(await pending).toMatchObject({ sent: true, timedOut: false });
    const early = await failure(http.post(url, '{}', { timeoutMs: 60_000, signal: AbortSignal.abort() }));
    expect(early).toMatchObject({ timedOut: false });
    expect(early.message).toContain('aborted');
    expect(arrived).toBe(1);
    await http.close();
  });

  it('an https:// URL speaks TLS (loaded on first use): the server sees a ClientHello, not plain HTTP', async () => {
    const first: Buffer[] = [];
    const tcp = createTcpServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        first.push(chunk);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const http = new HttpClient();
      const port = (tcp.address() as AddressInfo).port;
      await failure(http.post(new URL(`https://127.0.0.1:${port}/logs`), '{}', { timeoutMs: 10_000 }));
      // A TLS handshake record (0x16) of TLS 1.x (0x03 ..), where plain HTTP would start with "POST".
      expect(first).toHaveLength(1);
      expect([first[0]?.[0], first[0]?.[1]]).toEqual([0x16, 0x03]);
      await http.close();
    } finally {
      await new Promise((resolve) => tcp.close(resolve));
    }
  });
});
