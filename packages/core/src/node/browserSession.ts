import { LogferryError } from '../errors/logferryError.js';
import { createHttp } from '../transport/createHttp.js';
import { parseOptions } from '../options/options.js';
import { readKeyFiles } from './keyFile.js';
import { createSession, type DatamixSession } from '../protocols/datamix/session.js';

/** What a browser needs to log straight to Datamix for one session (the session, with the URL its logs go to): never the API key. */
export type BrowserSession = Omit<DatamixSession, 'url'> & { url: string };

/**
 * Mints a Datamix session for a browser, on the server (the API's "Client
 * Logging" flow). Call it from an authenticated route of your app and return
 * the result to the browser; the API key stays on the server. Throws a
 * LogferryError: LOGFERRY_AUTH_FAILED for a refused key, LOGFERRY_HTTP for
 * any other failed request, LOGFERRY_PROTOCOL for an answer that is not a session.
 */
export async function createBrowserSession(options: {
  sink: { type: 'datamix'; apiKey?: string; apiKeyFile?: string; url?: string };
  allowInsecure?: boolean;
}): Promise<BrowserSession> {
  const resolved = readKeyFiles(parseOptions(options)).options;
  if (resolved.sink.type !== 'datamix') throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.type: browser sessions exist only for datamix');
  const http = createHttp({ connections: 1 });
  try {
    const outcome = await createSession(http, { url: resolved.sink.url, apiKey: resolved.sink.apiKey, timeoutMs: resolved.retry.requestTimeoutMs });
    if (outcome.kind !== 'session') throw outcome.error;
    return { ...outcome.session, url: resolved.sink.url };
  } finally {
    await http.close();
  }
}
