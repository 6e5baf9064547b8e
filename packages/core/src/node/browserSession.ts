import { LogferryError } from '../errors/logferryError.js';
import { HttpClient } from '../transport/nodeHttp.js';
import { parseOptions } from '../options/options.js';

/** What a browser needs to log straight to Datamix for one session: never the API key. */
export interface BrowserSession {
  token: string;
  /** ms since the epoch (server clock). */
  expires: number;
  destination: string;
  url: string;
}

/**
 * Mints a Datamix session for a browser, on the server (the seed's "Client
 * Logging" flow). Call it from an authenticated route of your app and return
 * the result to the browser; the API key stays on the server.
 */
export async function createBrowserSession(options: { sink: { type: 'datamix'; apiKey?: string; url?: string }; allowInsecure?: boolean }): Promise<BrowserSession> {
  const resolved = parseOptions(options);
  if (resolved.sink.type !== 'datamix') throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.type: browser sessions exist only for datamix');
  const http = new HttpClient();
  try {
    const base = resolved.sink.url.endsWith('/') ? resolved.sink.url : `${resolved.sink.url}/`;
    const res = await http.post(new URL('sessions', base), JSON.stringify({ key: resolved.sink.apiKey }), { timeoutMs: resolved.retry.requestTimeoutMs });
    if (res.status === 401 || res.status === 403) {
      throw new LogferryError('LOGFERRY_AUTH_FAILED', `Datamix refused the API key (HTTP ${res.status}): check sink.apiKey or DATAMIX_API_KEY`);
    }
    if (res.status !== 200 && res.status !== 201) throw new LogferryError('LOGFERRY_HTTP', `Datamix POST /sessions answered HTTP ${res.status}`);
    const body = JSON.parse(res.body) as { token: string; expires: number; system: string; application: string; environment: string };
    return { token: body.token, expires: Number(body.expires), destination: `${body.system}.${body.application}.${body.environment}`, url: resolved.sink.url };
  } finally {
    await http.close();
  }
}
