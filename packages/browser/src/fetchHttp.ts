import { NetworkError, utf8, type Http, type HttpResponse, type PostOptions } from '@logferry/core/portable';
import { fitsKeepalive } from './keepalive.js';

/**
 * core's Http over fetch. A request goes with `keepalive` whenever it fits the
 * browser's 64 KiB budget for keepalive bodies in flight, so the request under
 * way when the page goes away still arrives. `Date` is read when the server
 * exposes it (Access-Control-Expose-Headers); otherwise the clock stays local.
 */
export class FetchHttp implements Http {
  /** Logs requests under way (the page's session requests are not ours). */
  inFlight = 0;
  /** Bytes of keepalive bodies under way. */
  keepaliveBytes = 0;
  /** Requests started (so a caller can tell that one went during a synchronous call). */
  posted = 0;
  /**
   * The page is going away: no request starts but the one unload permits
   * (`permitOne`, during its synchronous send), and only as keepalive. A send
   * that was waiting (for a session) must not go after its records were carried.
   */
  unloading = false;
  permitOne = false;

  constructor(private readonly counters: { keepalive: number } = { keepalive: 0 }) {}

  async post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
    const bytes = typeof body === 'string' ? utf8(body) : body;
    const keepalive = fitsKeepalive(bytes.length, this.keepaliveBytes);
    if (this.unloading && !(this.permitOne && keepalive)) throw new NetworkError('not sent: the page is unloading', false, false);
    this.permitOne = false;
    // fetch copies the body when called: the sink may reuse its buffer at once.
    const payload = bytes;
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    // A keepalive request is meant to outlive its page: the pipeline's deadline does not cut it off.
    if (!keepalive) options.signal?.addEventListener('abort', abort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    this.posted++;
    this.inFlight++;
    if (keepalive) {
      this.keepaliveBytes += payload.length;
      this.counters.keepalive++;
    }
    const sentAt = Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: payload as Uint8Array<ArrayBuffer>,
        headers: { 'Content-Type': 'application/json', ...options.headers },
        keepalive,
        credentials: 'omit',
        mode: 'cors',
        signal: controller.signal,
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: { date: res.headers.get('date') ?? undefined, 'retry-after': res.headers.get('retry-after') ?? undefined },
        body: text,
        sentAt,
        receivedAt: Date.now(),
      };
    } catch (error) {
      throw new NetworkError(timedOut ? `no answer within ${options.timeoutMs} ms` : `fetch failed: ${(error as Error).message}`, true, timedOut);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      this.inFlight--;
      if (keepalive) this.keepaliveBytes -= payload.length;
    }
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open.
  }
}
