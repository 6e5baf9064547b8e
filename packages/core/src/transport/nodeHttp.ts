import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import { NetworkError, type Http, type HttpResponse, type PostOptions } from './http.js';
import { RequestEnd } from './requestEnd.js';

/*
 * HTTP through node:http with one keep-alive Agent per client: the default
 * when no proxy variable is set and no dispatcher is given (createHttp).
 * node:http's Agent follows the server's `Keep-Alive: timeout=` hint, so an
 * idle socket is dropped before the server closes it. undici costs each
 * worker several times this client's CPU and more memory to start (its HTTP
 * parser is WebAssembly that V8 compiles in the background), for nothing
 * this client lacks when there is no proxy (figures in bench/README.md).
 */

// node:https (TLS, crypto) is loaded on the first https:// request, not with the worker.
const loadHttps = (): typeof https =>
  (typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:https') : createRequire(import.meta.url)('node:https')) as typeof https;

/** The response headers the protocols read. */
const HEADERS = ['date', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'keep-alive'] as const;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POSTs JSON over keep-alive connections. Each sink lane holds at most one
 * request in flight, so a lane keeps reusing one socket; idle sockets do not
 * keep the process alive (the Agent unrefs them).
 */
export class NodeHttp implements Http {
  private readonly agent: http.Agent;
  private closed = false;

  /** `connections`: sockets per origin, the number of lanes (each has at most one request in flight); unlimited when absent. */
  constructor(private readonly connections?: number) {
    this.agent = new http.Agent(this.agentOptions());
  }

  private agentOptions(): http.AgentOptions {
    return { keepAlive: true, keepAliveMsecs: 30_000, ...(this.connections ? { maxSockets: this.connections } : {}) };
  }

  private tls: { https: typeof https; agent: https.Agent } | undefined;

  private secure(): { https: typeof https; agent: https.Agent } {
    if (!this.tls) {
      const https = loadHttps();
      this.tls = { https, agent: new https.Agent(this.agentOptions()) };
    }
    return this.tls;
  }

  post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(new NetworkError(`${url.host}${url.pathname}: the client is closed`, false, false));
    const sentAt = Date.now();
    const secure = url.protocol === 'https:';
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    return new Promise((resolve, reject) => {
      // Until the socket is connected nothing can have reached the server.
      let connected = false;
      const fail = (error: Error): void => {
        const failure = end.failure(error, connected);
        if (failure) reject(failure);
      };
      const tls = secure ? this.secure() : undefined;
      const req = (tls ? tls.https : http).request(
        url,
        {
          method: 'POST',
          agent: tls ? tls.agent : this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.byteLength, ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(new Error('the response was cut off'));
          });
          res.on('end', () => {
            if (!end.done()) return;
            resolve({
              status: res.statusCode ?? 0,
              headers: Object.fromEntries(HEADERS.map((name) => [name, headerValue(res.headers[name])])),
              body: Buffer.concat(chunks).toString('utf8'),
              sentAt,
              receivedAt: Date.now(),
            });
          });
        },
      );
      const end = new RequestEnd(url, options, (reason) => req.destroy(reason));
      end.watch();
      req.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      req.on('error', fail);
      req.end(payload);
    });
  }

  /** Closes idle keep-alive sockets; requests in flight end through their signal. */
  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    this.tls?.agent.destroy();
  }
}
