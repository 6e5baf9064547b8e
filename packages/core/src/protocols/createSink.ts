import type { ResolvedOptions } from '../options/options.js';
import { ServerClock } from '../record/timeWindow.js';
import type { Http } from '../transport/http.js';
import { DatamixSink } from './datamix/datamixSink.js';
import { keySessions } from './datamix/session.js';
import { InitialStateSink } from './initialstate/initialStateSink.js';
import type { Sink } from './sink.js';

export interface SinkEvents {
  /** A Datamix session was created (for stats). */
  sessionCreated?: () => void;
}

/** The sink for the options' API, speaking through `http`. */
export function createSink(options: ResolvedOptions, http: Http, events: SinkEvents = {}): Sink {
  const timeoutMs = options.retry.requestTimeoutMs;
  if (options.sink.type === 'datamix') {
    const clock = new ServerClock();
    const sessions = keySessions(http, { url: options.sink.url, apiKey: options.sink.apiKey, timeoutMs, clock });
    return new DatamixSink(options.sink, options.stale, timeoutMs, http, clock, events.sessionCreated ?? (() => undefined), sessions);
  }
  return new InitialStateSink(options.sink, timeoutMs, http);
}
