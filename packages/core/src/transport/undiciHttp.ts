import type { Dispatcher } from 'undici';
import { defaultDispatcher } from './defaultDispatcher.js';
import type { Http, HttpResponse, PostOptions } from './http.js';
import { RequestEnd } from './requestEnd.js';
import { ResponseCollector } from './responseCollector.js';

export interface HttpOptions {
  /** An undici Dispatcher to send through instead of ours (a custom CA, a MockAgent, interceptors); close() leaves it open. */
  dispatcher?: Dispatcher;
  /** Our dispatcher's connections per origin: the number of lanes, as each lane has at most one request in flight. Unlimited when absent. */
  connections?: number;
}

/**
 * POSTs through an undici Dispatcher: the user's, or by default our own
 * keep-alive Agent (EnvHttpProxyAgent when a proxy variable is set), whose
 * module the first client in a thread loads.
 */
export class UndiciHttp implements Http {
  /** Set once ready resolves, so a request does not wait a turn for it. */
  private dispatcher: Dispatcher | undefined;
  private readonly ready: Promise<Dispatcher>;
  private readonly owned: boolean;

  constructor(options: HttpOptions = {}) {
    this.owned = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher;
    this.ready = options.dispatcher ? Promise.resolve(options.dispatcher) : defaultDispatcher(options.connections);
    // A failed load is reported by the first post that awaits it.
    this.ready.then((dispatcher) => (this.dispatcher = dispatcher)).catch(() => undefined);
  }

  async post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
    return send(this.dispatcher ?? (await this.ready), url, body, options);
  }

  /**
   * Releases our dispatcher's connections. destroy(), not close(): undici's
   * close() waits for requests in flight, and one still connecting when its
   * timeout or signal gave up can only be ended once it connects.
   */
  async close(): Promise<void> {
    if (!this.owned) return;
    const dispatcher = this.dispatcher ?? (await this.ready.catch(() => undefined));
    await dispatcher?.destroy();
  }
}


function send(dispatcher: Dispatcher, url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse> {
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      const failure = end.failure(error, collector.started);
      if (failure) reject(failure);
    };
    const collector = new ResponseCollector((response) => {
      if (end.done()) resolve({ ...response, sentAt, receivedAt: Date.now() });
    }, fail);
    // Settles at once, even while the request waits for a connection (undici can abort it only once it has one).
    const end = new RequestEnd(url, options, (error) => {
      collector.abort(error);
      fail(error);
    });
    if (!end.watch()) return;
    dispatcher.dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        // A Buffer view of the bytes (no copy): a user's dispatcher or interceptor sees a Buffer, as it did before the body writer left Buffer.
        body: typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      },
      collector,
    );
  });
}
