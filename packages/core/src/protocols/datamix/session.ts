import { LogferryError } from '../../errors/logferryError.js';
import type { ServerClock } from '../../record/timeWindow.js';
import type { Http, HttpResponse } from '../../transport/http.js';
import { baseUrl } from '../baseUrl.js';
import { parseJson } from '../parseJson.js';
import { keyRefused, keyRefusedFatal, type KeySource } from '../keySource.js';
import type { SendResult } from '../sink.js';
import { retryAnswer, statusMeaning } from '../status.js';

/** A Datamix session as `POST /sessions` answers it. */
export interface DatamixSession {
  token: string;
  /** When it expires, in ms since the epoch by the server's clock. */
  expires: number;
  /** `<system>.<application>.<environment>`, the destination its logs go to. */
  destination: string;
  system: string;
  application: string;
  environment: string;
  /** Datamix's base URL for this session's logs, when the session says (a browser's session from its server does). */
  url?: string;
}

/** Where a sink gets its sessions: `createSession` with the key on a server, the app's own endpoint in a browser. */
export type SessionSource = (signal: AbortSignal) => Promise<SessionOutcome>;

/** A session, or why there is none, in the words a sink reports to the pipeline. */
export type SessionOutcome = { kind: 'session'; session: DatamixSession } | Extract<SendResult, { kind: 'retry' | 'fatal' }>;

export interface SessionRequest {
  /** Datamix's base URL, as configured (`sink.url`). */
  url: string;
  apiKey: string;
  /** With `sink.apiKeyFile`: the key is asked of it (apiKey is unused), and it hears what the server said of it. */
  keys?: KeySource;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Observes the answer's `Date` header, so `expires` can be read in local time. */
  clock?: ServerClock;
}

/** Datamix documents sessions as "typically good for an hour": the lifetime assumed when `expires` cannot be read. */
const DEFAULT_TTL_MS = 3_600_000;

/** Datamix answers a request it took with 200 or 201; any other status, a 2xx included, is not that. */
export function isDatamixSuccess(status: number): boolean {
  return status === 200 || status === 201;
}

/** The session in a `POST /sessions` answer's body; undefined when it has no token or destination. */
export function parseSessionBody(body: string): DatamixSession | undefined {
  return sessionFrom(parseJson(body));
}

/**
 * A session from its JSON value (a `POST /sessions` answer, or what a
 * browser's server handed on, with its `url`); undefined without a token or destination.
 */
export function sessionFrom(value: unknown): DatamixSession | undefined {
  const v = value as { token?: unknown; expires?: unknown; system?: unknown; application?: unknown; environment?: unknown; url?: unknown } | undefined;
  if (!v || typeof v !== 'object') return undefined;
  const { token, system, application, environment } = v;
  if (typeof token !== 'string' || token === '' || typeof system !== 'string' || typeof application !== 'string' || typeof environment !== 'string') {
    return undefined;
  }
  const expires = typeof v.expires === 'number' ? v.expires : Number(v.expires);
  return {
    token,
    expires: Number.isFinite(expires) ? expires : Date.now() + DEFAULT_TTL_MS,
    destination: `${system}.${application}.${environment}`,
    system,
    application,
    environment,
    ...(typeof v.url === 'string' && v.url !== '' ? { url: v.url } : {}),
  };
}

/**
 * Creates one Datamix session (`POST /sessions` with the API key) and reads
 * its answer. Never throws; no error names the key.
 */
export async function createSession(http: Http, request: SessionRequest): Promise<SessionOutcome> {
  let res: HttpResponse;
  try {
    res = await http.post(new URL('sessions', baseUrl(request.url)), JSON.stringify({ key: request.keys?.current() ?? request.apiKey }), {
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
  } catch (error) {
    return { kind: 'retry', error: new LogferryError('LOGFERRY_HTTP', `Datamix session request failed: ${(error as Error).message}`) };
  }
  request.clock?.observe(res.headers.date, res.sentAt, res.receivedAt);
  if (statusMeaning(res.status) === 'auth') {
    const refused = keyRefusedFatal({ api: 'Datamix', what: 'API key', option: 'sink.apiKey', env: 'DATAMIX_API_KEY' }, res.status, 'POST /sessions');
    return keyRefused(request.keys, refused, 'Datamix', res.status);
  }
  // Any other failure of a session request is retried, whatever its status says of a logs request.
  if (!isDatamixSuccess(res.status)) return retryAnswer(res, new LogferryError('LOGFERRY_HTTP', `Datamix POST /sessions answered HTTP ${res.status}`));
  const session = parseSessionBody(res.body);
  if (!session) {
    const error = new LogferryError(
      'LOGFERRY_PROTOCOL',
      `Datamix POST /sessions answered HTTP ${res.status} with a body that is not a session (JSON with token, system, application and environment): check that sink.url is Datamix's address`,
    );
    return { kind: 'retry', error };
  }
  request.keys?.accepted();
  return { kind: 'session', session };
}

/** Sessions created with the API key (`POST /sessions`), the server's SessionSource. */
export function keySessions(http: Http, request: Omit<SessionRequest, 'signal'>): SessionSource {
  return (signal) => createSession(http, { ...request, signal });
}
