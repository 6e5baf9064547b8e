import { Pool } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
  sentAt: number;
  receivedAt: number;
}

/** A request that got no HTTP answer. `sent` says the request may have reached the server. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly sent: boolean,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One keep-alive undici Pool per origin. Each sink lane holds at most one
 * request in flight, so `connections` = lanes keeps one socket per lane.
 */
export class HttpClient {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connections: number) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: 10_000 },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async post(url: URL, body: string, options: PostOptions): Promise<HttpResponse> {
    const sentAt = Date.now();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const res = await this.pool(url.origin).request({
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body,
        signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const text = await res.body.text();
      const headers: Record<string, string | undefined> = {
        date: headerValue(res.headers.date),
        'retry-after': headerValue(res.headers['retry-after']),
      };
      return { status: res.statusCode, headers, body: text, sentAt, receivedAt: Date.now() };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const timedOut = timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      // A connect failure means nothing was sent; anything later may have reached the server.
      const sent = !(code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ENOTFOUND');
      const reason = timedOut ? `timed out after ${options.timeoutMs} ms` : (error as Error).message || code;
      throw new NetworkError(`${url.host}${url.pathname}: ${reason}`, sent, timedOut, { cause: error });
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
