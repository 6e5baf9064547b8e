import { LogferryError } from '../../errors/logferryError.js';
import type { HttpResponse } from '../../transport/http.js';
import { baseUrl } from '../baseUrl.js';
import type { SendResult } from '../sink.js';
import { retryAnswer, statusMeaning } from '../status.js';
import { keyRefusedFatal } from '../keySource.js';

/** What the logging API's `POST /api/v1/buckets` needs. */
export interface BucketRequest {
  apiUrl: string;
  clientKey: string;
  bucketId: string;
  bucketName: string;
  /** What a refused key comes to (a sink with a key file retries); clientKeyRefused by default. */
  refused?: (status: number, where: string) => SendResult;
}

/** A refused client key, in the one wording every Initial State logging request uses. */
export function clientKeyRefused(status: number, where: string): Extract<SendResult, { kind: 'fatal' }> {
  return keyRefusedFatal({ api: 'Initial State', what: 'client key', option: 'sink.clientKey', env: 'IS_CLIENT_KEY' }, status, where);
}

/**
 * Creates (or confirms) the bucket through `post`, the caller's way of sending
 * (the sink paces it). Resolves to undefined once the bucket exists, or to why
 * not. Never throws; no error names the key.
 */
export async function createBucket(post: (url: URL, body: string) => Promise<HttpResponse>, request: BucketRequest): Promise<SendResult | undefined> {
  const url = new URL('api/v1/buckets', baseUrl(request.apiUrl));
  const body = JSON.stringify({ bucketId: request.bucketId, bucketName: request.bucketName, clientKey: request.clientKey });
  let res: HttpResponse;
  try {
    res = await post(url, body);
  } catch (error) {
    return { kind: 'retry', error: new LogferryError('LOGFERRY_HTTP', `Initial State bucket request failed: ${(error as Error).message}`) };
  }
  if (res.status >= 200 && res.status < 300) return undefined;
  const meaning = statusMeaning(res.status);
  if (meaning === 'auth') return (request.refused ?? clientKeyRefused)(res.status, 'POST /api/v1/buckets');
  const error = new LogferryError('LOGFERRY_HTTP', `Initial State POST /api/v1/buckets answered HTTP ${res.status}`);
  // Without its bucket no event can go: a bucket request that cannot be retried stops the sink (413 included).
  return meaning === 'retry' ? retryAnswer(res, error) : { kind: 'fatal', error };
}
