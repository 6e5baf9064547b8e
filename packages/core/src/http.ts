/*
 * HTTP through Node's own fetch (the undici bundled with Node). The undici npm
 * package costs 100-170 ms of CPU to load in every worker thread; the bundled
 * one about 30 ms, and it follows the application's global dispatcher (proxies).
 */

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

/** Connect failures: nothing reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The system or undici error code under fetch's `TypeError('fetch failed')` (or an AggregateError of attempts). */
function codeOf(error: unknown): string {
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  if (!e) return '';
  if (typeof e.code === 'string') return e.code;
  if (e.cause !== undefined && e.cause !== error) return codeOf(e.cause);
  if (Array.isArray(e.errors) && e.errors.length > 0) return codeOf(e.errors[0]);
  return '';
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : (error as Error);
  return inner.message || codeOf(error) || String(error);
}

/**
 * POSTs JSON over keep-alive connections. Each sink lane holds at most one
 * request in flight, so a lane keeps reusing one socket.
 */
export class HttpClient {
  async post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
    const sentAt = Date.now();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body,
        signal,
        redirect: 'manual',
      });
      const text = await res.text();
      const headers: Record<string, string | undefined> = {
        date: res.headers.get('date') ?? undefined,
        'retry-after': res.headers.get('retry-after') ?? undefined,
      };
      return { status: res.status, headers, body: text, sentAt, receivedAt: Date.now() };
    } catch (error) {
      const code = codeOf(error);
      const timedOut = timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      // A connect failure means nothing was sent; anything later may have reached the server.
      const sent = !NOT_SENT.has(code);
      const reason = timedOut ? `timed out after ${options.timeoutMs} ms` : reasonOf(error);
      throw new NetworkError(`${url.host}${url.pathname}: ${reason}`, sent, timedOut, { cause: error });
    }
  }

  /** Idle keep-alive sockets are unref'd by fetch; requests in flight end through their signal. */
  async close(): Promise<void> {}
}
