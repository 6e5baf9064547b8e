import type { LogferryError } from '../errors/logferryError.js';
import { NetworkError, type HttpResponse } from '../transport/http.js';
import { parseRetryAfter } from './retryAfter.js';
import type { SendResult } from './sink.js';

/**
 * What an HTTP answer other than the API's success says about the request
 * that got it, the same for every API:
 * - `retry`: the server could not take it now (408, 429, 5xx); the same request may go again;
 * - `auth`: the credential was refused (401, 403);
 * - `split`: the body was too large (413);
 * - `quota`: the account's quota is spent (402); nothing will go until the account changes;
 * - `refused`: anything else; the request itself is wrong and resending it cannot help.
 * What `refused` costs (the batch rejected, the sink stopped) is each API's call.
 */
export type StatusMeaning = 'retry' | 'auth' | 'split' | 'quota' | 'refused';

export function statusMeaning(status: number): StatusMeaning {
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  if (status === 401 || status === 403) return 'auth';
  if (status === 413) return 'split';
  if (status === 402) return 'quota';
  return 'refused';
}

/**
 * Whether a request that got no HTTP answer may have reached the server (and
 * been processed): only the transport's NetworkError knows it did not; any
 * other failure is assumed to have gone.
 */
export function mayHaveBeenSent(error: unknown): boolean {
  return error instanceof NetworkError ? error.sent : true;
}

/** A `retry` for an answer that means it, waiting as long as its `Retry-After` asks. */
export function retryAnswer(response: Pick<HttpResponse, 'headers'>, error: LogferryError): Extract<SendResult, { kind: 'retry' }> {
  return { kind: 'retry', retryAfterMs: parseRetryAfter(response.headers['retry-after']), error };
}
