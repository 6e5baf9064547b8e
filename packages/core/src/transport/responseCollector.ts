import type { Dispatcher } from 'undici';

/** The response headers the protocols read, lower case. */
export const RESPONSE_HEADERS = ['date', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'keep-alive'] as const;

export interface CollectedResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/**
 * An undici dispatch handler that reads one whole response into a string.
 * `started` turns true when undici hands over a connected socket, just before
 * it writes the request: until then nothing can have reached the server.
 */
export class ResponseCollector implements Dispatcher.DispatchHandler {
  started = false;
  private controller: Dispatcher.DispatchController | undefined;
  /** An abort asked for before the request started: undici can end it only once it starts. */
  private pendingAbort: Error | undefined;
  private status = 0;
  private headers: Record<string, string | undefined> = {};
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly onDone: (response: CollectedResponse) => void,
    private readonly onFail: (error: Error) => void,
  ) {}

  /** Ends the request now, or as it starts if it is still waiting for a connection. */
  abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) {
      // Aborted here, undici does not write the request.
      controller.abort(this.pendingAbort);
      return;
    }
    this.started = true;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    for (const name of RESPONSE_HEADERS) {
      const value = headers[name];
      this.headers[name] = Array.isArray(value) ? value[0] : value;
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.onDone({ status: this.status, headers: this.headers, body: Buffer.concat(this.chunks).toString('utf8') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.onFail(error);
  }
}
