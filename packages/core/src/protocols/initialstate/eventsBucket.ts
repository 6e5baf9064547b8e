import { LogferryError } from '../../errors/logferryError.js';
import type { HttpResponse } from '../../transport/http.js';
import { baseUrl } from '../baseUrl.js';
import type { SendResult } from '../sink.js';
import { retryAnswer, statusMeaning } from '../status.js';
import { keyRefusedFatal } from '../keySource.js';

/** The API version range every Events API request asks for. */
export const ACCEPT_VERSION = '~0';

/** What the Events API's `POST /buckets` needs. */
export interface EventsBucketRequest {
  apiUrl: string;
  accessKey: string;
  bucketKey: string;
  bucketName?: string;
  /** What a refused key comes to (a sink with a key file retries); accessKeyRefused by default. */
  refused?: (status: number, where: string) => SendResult;
}

/** The headers every Events API request carries. */
export function eventsHeaders(accessKey: string): Record<string, string> {
  return { 'accept-version': ACCEPT_VERSION, 'x-is-accesskey': accessKey };
}

/** A refused access key, in the one wording every Events API request uses. */
export function accessKeyRefused(status: number, where: string): Extract<SendResult, { kind: 'fatal' }> {
  return keyRefusedFatal({ api: 'Initial State', what: 'access key', option: 'sink.accessKey', env: 'IS_ACCESS_KEY' }, status, where);
}

/** HTTP 402: the account's event quota for the billing cycle is spent. */
export function quotaSpent(where: string): Extract<SendResult, { kind: 'fatal' }> {
  return {
    kind: 'fatal',
    reason: 'quota',
    error: new LogferryError(
      'LOGFERRY_QUOTA_EXCEEDED',
      `Initial State answered HTTP 402 on ${where}: the account's event limit for this billing cycle is used up. ` +
        'logferry has stopped sending to it; what is logged from now on goes to the spool when spool.path is set (send it later with logferry replay), ' +
        'otherwise it is counted as dropped (stats().droppedReasons.quota). Upgrade the plan or wait for the next cycle, then restart',
    ),
  };
}

/**
 * Creates (or confirms) the bucket through `post`, the caller's way of sending
 * (the sink paces it to the rate budget). 201: created; 204: it already
 * existed (another process, an earlier run). Resolves to undefined once the
 * bucket exists, or to why not. Never throws; no error names the key.
 */
export async function createEventsBucket(
  post: (url: URL, body: string, headers: Record<string, string>) => Promise<HttpResponse>,
  request: EventsBucketRequest,
): Promise<SendResult | undefined> {
  const body: { bucketKey: string; bucketName?: string } = { bucketKey: request.bucketKey };
  if (request.bucketName !== undefined) body.bucketName = request.bucketName;
  let res: HttpResponse;
  try {
    res = await post(new URL('buckets', baseUrl(request.apiUrl)), JSON.stringify(body), eventsHeaders(request.accessKey));
  } catch (error) {
    return { kind: 'retry', error: new LogferryError('LOGFERRY_HTTP', `Initial State bucket request failed: ${(error as Error).message}`) };
  }
  if (res.status >= 200 && res.status < 300) return undefined;
  const where = 'POST /api/buckets';
  const meaning = statusMeaning(res.status);
  if (meaning === 'auth') return (request.refused ?? accessKeyRefused)(res.status, where);
  if (meaning === 'quota') return quotaSpent(where);
  const error = new LogferryError('LOGFERRY_HTTP', `Initial State ${where} answered HTTP ${res.status}`);
  // Without its bucket no event can go: a bucket request that cannot be retried stops the sink.
  return meaning === 'retry' ? retryAnswer(res, error) : { kind: 'fatal', error };
}
