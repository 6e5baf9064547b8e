import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../packages/core/src/transport/http.js';
import { createHttp } from '../packages/core/src/transport/createHttp.js';
import type { Http } from '../packages/core/src/transport/http.js';
import { NodeHttp } from '../packages/core/src/transport/nodeHttp.js';
import { UndiciHttp } from '../packages/core/src/transport/undiciHttp.js';

const IMPLEMENTATIONS: [string, (options?: { connections?: number }) => Http][] = [
  ['node:http', (options) => new NodeHttp(options?.connections)],
  ['undici', (options) => new UndiciHttp(options)],
];
import { runFixture } from './support/children.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<URL> {
  const port = await listen(createServer(handler));
  return new URL(`http://127.0.0.1:${port}/logs`);
}

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

/** Runs make() with exactly these proxy variables set; the client reads them when it is made. */
function withProxyEnv<T>(vars: Record<string, string>, make: () => T): T {
  const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return make();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A forward proxy: CONNECT tunnels (what undici's ProxyAgent sends, for http targets too) and absolute-URL requests. */
async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = forward(req.url ?? '', { method: req.method, headers: req.headers }, (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(proxy);
  return { url: `http://127.0.0.1:${port}`, seen };
}

// The same contract from both clients createHttp may pick.
describe.each(IMPLEMENTATIONS)('%s', (name, make) => {
  it('posts the body and returns status, Date, Retry-After and the rate-limit headers, reusing one keep-alive socket', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(429, {
          'retry-after': '3',
          'content-type': 'application/json',
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': '1700000000',
        });
        res.end(JSON.stringify({ got: Buffer.concat(chunks).toString(), type: req.headers['content-type'], length: req.headers['content-length'] }));
      });
    });
    const http = make({ connections: 1 });
    for (const body of ['{"a":"é"}', new TextEncoder().encode('[1]')]) {
      const res = await http.post(url, body, { timeoutMs: 5000 });
      expect(res.status).toBe(429);
      expect(res.headers).toMatchObject({
        'retry-after': '3',
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1700000000',
        // node:http's default idle timeout, which undici follows.
        'keep-alive': 'timeout=5',
      });
      expect(res.headers.date).toMatch(/GMT$/);
      const expected = typeof body === 'string' ? body : '[1]';
      expect(JSON.parse(res.body)).toEqual({ got: expected, type: 'application/json', length: String(Buffer.byteLength(expected)) });
      expect(res.receivedAt).toBeGreaterThanOrEqual(res.sentAt);
    }
    expect(sockets.size).toBe(1);
    await http.close();
  });

  it('a refused connection was not sent; a reset after the request was read was (maybe)', async () => {
    let read = 0;
    const url = await serve((req) => {
      req.resume();
      req.on('end', () => {
        read++;
        req.socket.destroy();
      });
    });
    const http = make();
    const reset = await failure(http.post(url, '{}', { timeoutMs: 5000 }));
    expect(reset).toMatchObject({ sent: true, timedOut: false });
    expect(read).toBe(1);
    const port = url.port;
    const [server] = servers.splice(0);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    const refused = await failure(http.post(new URL(`http://127.0.0.1:${port}/logs`), '{}', { timeoutMs: 5000 }));
    expect(refused).toMatchObject({ sent: false, timedOut: false });
    expect(refused.message).toContain('ECONNREFUSED');
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
    const http = make();
    const hung = await failure(http.post(url, '{}', { timeoutMs: 200 }));
    expect(hung).toMatchObject({ sent: true, timedOut: true });
    expect(hung.message).toContain('timed out after 200 ms');
    const cut = await failure(http.post(new URL('/cut', url), '{}', { timeoutMs: 5000 }));
    expect(cut).toMatchObject({ sent: true, timedOut: false });
    await http.close();
  });

  it('a timeout before the request has a connection was not sent, and the request is never written', async () => {
    // Held before a connection portably: the only connection is busy (a stalled connect is the same path in undici).
    let arrived = 0;
    const url = await serve((req) => {
      arrived++;
      req.resume(); // never answer
    });
    const http = make({ connections: 1 });
    const busy = failure(http.post(url, '{}', { timeoutMs: 500 }));
    await vi.waitFor(() => expect(arrived).toBe(1));
    const queued = await failure(http.post(url, '{}', { timeoutMs: 100 }));
    expect(queued).toMatchObject({ sent: false, timedOut: true });
    expect(await busy).toMatchObject({ sent: true, timedOut: true });
    await http.close();
    expect(arrived).toBe(1);
  });

  it('the caller’s signal ends a request in flight, and one already aborted sends nothing', async () => {
    let arrived = 0;
    const url = await serve(() => {
      arrived++; // never answer
    });
    const http = make();
    const controller = new AbortController();
    const pending = failure(http.post(url, '{}', { timeoutMs: 60_000, signal: controller.signal }));
    await vi.waitFor(() => expect(arrived).toBe(1));
    controller.abort();
    expect(await pending).toMatchObject({ sent: true, timedOut: false });
    const early = await failure(http.post(url, '{}', { timeoutMs: 60_000, signal: AbortSignal.abort() }));
    expect(early).toMatchObject({ sent: false, timedOut: false });
    expect(early.message).toContain('aborted');
    expect(arrived).toBe(1);
    await http.close();
  });

  it('an https:// URL speaks TLS: the server sees a ClientHello, not plain HTTP', async () => {
    const first: Buffer[] = [];
    const tcp = createTcpServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        first.push(chunk);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const http = make();
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

  it('follows the server’s Keep-Alive hint: a request after the server closed the idle socket does not fail', async () => {
    const closed: Socket[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    // node:http answers `Keep-Alive: timeout=1` and closes a socket idle that long.
    server.keepAliveTimeout = 1000;
    server.on('connection', (socket: Socket) => socket.on('close', () => closed.push(socket)));
    const url = new URL(`http://127.0.0.1:${await listen(server)}/logs`);
    const http = make({ connections: 1 });
    const first = await http.post(url, '{}', { timeoutMs: 5000 });
    expect(first.headers['keep-alive']).toBe('timeout=1');
    // Waits for the server to have closed the first socket: that is the condition under test.
    await vi.waitFor(() => expect(closed).toHaveLength(1), { timeout: 5000, interval: 50 });
    const second = await http.post(url, '{}', { timeoutMs: 5000 });
    expect(second.status).toBe(200);
    await http.close();
  });

  it('an idle keep-alive socket does not keep the process alive', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    server.keepAliveTimeout = 60_000;
    const port = await listen(server);
    const result = await runFixture('idle-http.mjs', [`http://127.0.0.1:${port}/logs`, name], { timeoutMs: 20_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ status: 200, keepAlive: 'timeout=60' });
    expect(result.code).toBe(0);
  });
});

describe('createHttp', () => {
  it('picks undici only for what it brings: a proxy variable or a user dispatcher; node:http otherwise', () => {
    expect(withProxyEnv({}, () => createHttp({ connections: 2 }))).toBeInstanceOf(NodeHttp);
    expect(withProxyEnv({ HTTPS_PROXY: 'http://127.0.0.1:9' }, () => createHttp())).toBeInstanceOf(UndiciHttp);
    expect(withProxyEnv({ http_proxy: 'http://127.0.0.1:9' }, () => createHttp())).toBeInstanceOf(UndiciHttp);
    expect(withProxyEnv({}, () => createHttp({ dispatcher: new MockAgent() }))).toBeInstanceOf(UndiciHttp);
  });

  it('sends through HTTP_PROXY (a CONNECT tunnel, even to an http:// target), and not to a NO_PROXY host', async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
    });
    const proxy = await startProxy();
    const proxied = withProxyEnv({ HTTP_PROXY: proxy.url }, () => createHttp());
    expect((await proxied.post(url, '{}', { timeoutMs: 5000 })).body).toBe('{"ok":true}');
    expect(proxy.seen).toEqual([`CONNECT ${url.host}`]);
    await proxied.close();

    const lower = withProxyEnv({ http_proxy: proxy.url }, () => createHttp());
    await lower.post(url, '{}', { timeoutMs: 5000 });
    expect(proxy.seen).toHaveLength(2);
    await lower.close();

    const direct = withProxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, () => createHttp());
    expect((await direct.post(url, '{}', { timeoutMs: 5000 })).status).toBe(200);
    expect(proxy.seen).toHaveLength(2);
    await direct.close();
  });

  it('a proxy that cannot be reached means nothing was sent', async () => {
    const port = await listen(createServer());
    const [server] = servers.splice(0);
    await new Promise((resolve) => server?.close(resolve));
    const http = withProxyEnv({ HTTP_PROXY: `http://127.0.0.1:${port}` }, () => createHttp());
    const error = await failure(http.post(new URL('http://127.0.0.1:9/logs'), '{}', { timeoutMs: 5000 }));
    expect(error).toMatchObject({ sent: false, timedOut: false });
    await http.close();
  });

  it('sends through a Dispatcher the user gives, and leaves it open on close()', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const origin = agent.get('https://logs.example');
    origin.intercept({ path: '/v1/logs', method: 'POST', body: '{"n":1}' }).reply(202, 'accepted', { headers: { 'retry-after': '7', 'X-RateLimit-Remaining': '9' } });
    origin.intercept({ path: '/v1/logs', method: 'POST' }).reply(200, 'again');
    const http = createHttp({ dispatcher: agent });
    const res = await http.post(new URL('https://logs.example/v1/logs'), '{"n":1}', { timeoutMs: 5000 });
    expect(res).toMatchObject({ status: 202, body: 'accepted', headers: { 'retry-after': '7', 'x-ratelimit-remaining': '9' } });
    await http.close();
    const after = await createHttp({ dispatcher: agent }).post(new URL('https://logs.example/v1/logs'), '{}', { timeoutMs: 5000 });
    expect(after.body).toBe('again');
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('after close() nothing is sent', async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const http = createHttp();
    expect((await http.post(url, '{}', { timeoutMs: 5000 })).body).toBe('ok');
    await http.close();
    const late = await failure(http.post(url, '{}', { timeoutMs: 5000 }));
    expect(late).toMatchObject({ sent: false, timedOut: false });
  });
});
