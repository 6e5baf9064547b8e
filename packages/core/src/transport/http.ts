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


/**
 * What the protocols need of HTTP: one POST with a JSON body. The Node
 * implementation is in this folder; a browser one would use fetch.
 */
export interface Http {
  post(url: URL, body: string | Uint8Array, options: PostOptions): Promise<HttpResponse>;
  /** Releases idle connections; requests in flight end through their signal. */
  close(): Promise<void>;
}
