import pino from 'pino';

/** What `pino.transport()` returns (a thread-stream to the worker). */
export type PinoTransport = ReturnType<typeof pino.transport>;

/** Anything with pino's `flush(cb)`. */
export interface Flushable {
  flush(cb?: (err?: Error) => void): void;
}

/** Resolves once the worker has delivered (or settled) everything logged before the call. */
export function flushLogger(logger: Flushable): Promise<void> {
  return new Promise<void>((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve())));
}

/** Ends the transport and resolves once its worker has exited (the logferry client closed). */
export function endTransport(transport: PinoTransport): Promise<void> {
  return new Promise<void>((resolve) => {
    transport.once('close', () => resolve());
    transport.end();
  });
}

/** Transport options for the Datamix sink on the emulator, tuned for fast tests. */
export function datamixOptions(url: string, extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sink: { type: 'datamix', apiKey: 'test-key', url, ...sink },
    batch: { intervalMs: 100 },
    retry: { baseMs: 50, maxMs: 1000 },
    ...extra,
  };
}

/** Transport options for the Initial State sink on the emulator, tuned for fast tests. */
export function initialStateOptions(url: string, extra: Record<string, unknown> = {}, sink: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sink: {
      type: 'initialstate',
      clientKey: 'test-client-key',
      bucketName: 'checkout',
      apiUrl: url,
      eventsUrl: url,
      requestsPerSecond: 50,
      ...sink,
    },
    batch: { intervalMs: 100 },
    retry: { baseMs: 50, maxMs: 1000 },
    ...extra,
  };
}
