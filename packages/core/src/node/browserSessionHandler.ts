import type { LogferryError } from '../errors/logferryError.js';
import { parseOptions } from '../options/options.js';
import { createSession } from '../protocols/datamix/session.js';
import { ServerClock } from '../record/timeWindow.js';
import { createHttp } from '../transport/createHttp.js';

/** What the handler writes to: node:http's ServerResponse, Express's `res`, Fastify's `reply.raw`. */
export interface SessionResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export interface BrowserSessionHandlerOptions<Req> {
  /** The destination's API key; default: env `DATAMIX_API_KEY`. It never leaves the server. */
  apiKey?: string;
  /** Datamix's base URL (also handed to the browser, which logs there). */
  url?: string;
  allowInsecure?: boolean;
  /** Called before a session is created: false refuses it with 429 (rate limits, quotas). */
  allow?: (req: Req) => boolean | Promise<boolean>;
  /** Hears why a session could not be created (the browser only gets a 502 and a code). Never contains the key. */
  onError?: (error: LogferryError) => void;
}

/** What the browser receives: a session, never the key. */
export interface BrowserSessionAnswer {
  token: string;
  /** ms since the epoch, by Datamix's clock. */
  expires: number;
  system: string;
  application: string;
  environment: string;
  url: string;
  /**
   * Datamix's clock when the session was made (ms since the epoch, from its
   * `Date` header): the page judges the time window by it from its first
   * record, before (or without) a `Date` header of its own to read.
   */
  serverTime: number;
}

function answer(res: SessionResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  // A token is for one tab: no cache may keep or share it.
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/**
 * A plain `(req, res)` handler that mints one Datamix session per call for a
 * browser (the API's "Client Logging" flow): mount it behind the app's own
 * authentication. Options are checked now (a LogferryError naming the field).
 * Answers 200 with a BrowserSessionAnswer, 429 when `allow` refuses, 502 with
 * a short reason when Datamix does not give a session.
 */
export function browserSessionHandler<Req = unknown>(options: BrowserSessionHandlerOptions<Req> = {}): (req: Req, res: SessionResponse) => Promise<void> {
  const resolved = parseOptions({
    sink: { type: 'datamix', ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}), ...(options.url !== undefined ? { url: options.url } : {}) },
    ...(options.allowInsecure !== undefined ? { allowInsecure: options.allowInsecure } : {}),
  });
  if (resolved.sink.type !== 'datamix') throw new Error('unreachable: the sink is datamix');
  const { url, apiKey } = resolved.sink;
  const http = createHttp({ connections: 4 });
  return async (req, res) => {
    try {
      if (options.allow && !(await options.allow(req))) return answer(res, 429, { error: 'logging session refused' });
    } catch {
      return answer(res, 429, { error: 'logging session refused' });
    }
    const clock = new ServerClock();
    const outcome = await createSession(http, { url, apiKey, timeoutMs: resolved.retry.requestTimeoutMs, clock });
    if (outcome.kind !== 'session') {
      options.onError?.(outcome.error);
      return answer(res, 502, { error: 'Datamix did not give a logging session', code: outcome.error.code });
    }
    const { token, expires, system, application, environment } = outcome.session;
    answer(res, 200, { token, expires, system, application, environment, url, serverTime: clock.serverNow() } satisfies BrowserSessionAnswer);
  };
}
