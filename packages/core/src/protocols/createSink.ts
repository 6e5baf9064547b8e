import type { ResolvedOptions } from '../options/options.js';
import { ServerClock } from '../record/timeWindow.js';
import type { Http } from '../transport/http.js';
import { DatamixSink } from './datamix/datamixSink.js';
import { InitialStateEventsSink } from './initialstate/eventsSink.js';
import { keySessions } from './datamix/session.js';
import { InitialStateSink } from './initialstate/initialStateSink.js';
import type { KeySource } from './keySource.js';
import type { Sink } from './sink.js';

export interface SinkEvents {
  /** A Datamix session was created (for stats). */
  sessionCreated?: () => void;
}

/** Key sources by the key option they stand for (see node/keyFile.ts): `apiKey`, `clientKey`, `accessKey`. */
export type SinkKeys = Partial<Record<string, KeySource>>;

/** The sink for the options' API, speaking through `http`. */
export function createSink(options: ResolvedOptions, http: Http, events: SinkEvents = {}, keys: SinkKeys = {}): Sink {
  const timeoutMs = options.retry.requestTimeoutMs;
  if (options.sink.type === 'datamix') {
    const clock = new ServerClock();
    const sessions = keySessions(http, { url: options.sink.url, apiKey: options.sink.apiKey, timeoutMs, clock, ...(keys.apiKey ? { keys: keys.apiKey } : {}) });
    return new DatamixSink(options.sink, options.stale, timeoutMs, http, clock, events.sessionCreated ?? (() => undefined), sessions);
  }
  if (options.sink.api === 'events') return new InitialStateEventsSink(options.sink, timeoutMs, http, keys.accessKey);
  return new InitialStateSink(options.sink, timeoutMs, http, keys.clientKey);
}
