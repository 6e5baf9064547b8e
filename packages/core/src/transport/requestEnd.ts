import { NetworkError, type PostOptions } from './http.js';

/**
 * How one request ends, the same for both clients: settled once; its timeout
 * a plain timer, unref'd like AbortSignal.timeout() (a request in flight is
 * kept alive by its socket, not by its timer); one listener on the caller's
 * signal (AbortSignal.timeout() and AbortSignal.any() per request cost CPU on
 * a hot path).
 */
export class RequestEnd {
  timedOut = false;
  private settled = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort: () => void;

  /** `cancel` stops the request: at its timeout, or when the caller's signal aborts. */
  constructor(
    private readonly url: URL,
    private readonly options: PostOptions,
    cancel: (reason: Error) => void,
  ) {
    this.onAbort = () => cancel(new Error('The operation was aborted'));
    this.timer = setTimeout(() => {
      this.timedOut = true;
      cancel(new Error('timed out'));
    }, options.timeoutMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Watches the caller's signal; false (and the request cancelled) when it has already aborted. */
  watch(): boolean {
    const signal = this.options.signal;
    if (signal?.aborted) {
      this.onAbort();
      return false;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    return true;
  }

  /** True the first time only: the caller settles its promise then. */
  done(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    return true;
  }

  /** The NetworkError to reject with, or undefined when the request had already settled. `sent`: it may have reached the server. */
  failure(error: Error, sent: boolean): NetworkError | undefined {
    if (!this.done()) return undefined;
    const reason = this.timedOut ? `timed out after ${this.options.timeoutMs} ms` : error.message || ((error as { code?: string }).code ?? '');
    return new NetworkError(`${this.url.host}${this.url.pathname}: ${reason}`, sent, this.timedOut, { cause: error });
  }
}
